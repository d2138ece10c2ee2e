#!/usr/bin/python3
# The whole job from the command line, in the simulated home network: the open
# transaction with its rollback, the ledger's cleanup after a crash, and the
# troubleshooter's fault matrix — one scenario per broken layer, each asserting the
# verdict and the codes. Real miniupnpd, real probe server, real sockets.
#
#   test-troubleshooter.py PORTIERCTL PROBE_SERVER [TEST…]
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import home  # noqa: E402
from home import Home  # noqa: E402
from testbed import PYTHON, main, test  # noqa: E402

PORTIERCTL = os.path.abspath(sys.argv.pop(1))
home.configure(PORTIERCTL, os.path.abspath(sys.argv.pop(1)))


def table(mappings):
    """The router's table without the lease, which counts down."""
    return sorted((m["protocol"], m["external_port"], m["internal_client"],
                   m["internal_port"]) for m in mappings)


def assert_first_problem(report, code):
    assert report["problems"], report
    assert report["problems"][0] == code, (report["problems"], report["codes"])
    first = report["findings"][0]
    assert first["code"] == code and first["fix"], first


# ------------------------------------------------------------------ the transaction

@test
def open_maps_verifies_and_closes():
    with Home() as net:
        net.app()
        before = net.router_mappings()
        result = net.portierctl_json("open", "25565/tcp", "--no-firewall")
        assert result["router"]["status"] == "mapped", result
        assert result["router"]["method"] == "upnp"
        assert result["router"]["external_address"] == net["WAN_IP"]
        assert result["verify"]["status"] in ("reachable", "open"), result
        assert result["share"] == f"{net['WAN_IP']}:25565"
        assert [m["external_port"] for m in net.router_mappings()] == [25565]
        assert len(net.ledger()) == 1 and net.ledger()[0]["state"] == "open"

        # Opening it again makes no duplicate.
        again = net.portierctl_json("open", "25565/tcp", "--no-firewall", "--no-verify")
        assert again["router"]["status"] == "already-mapped", again
        assert again["id"] == result["id"]
        assert len(net.router_mappings()) == 1 and len(net.ledger()) == 1

        listed = net.portierctl_json("list")
        assert [o["id"] for o in listed["openings"]] == [result["id"]]
        assert [m["ours"] for m in listed["router_mappings"]] == [True]

        closed = net.portierctl_json("close", result["id"])
        assert closed["closed"] == [result["id"]] and closed["errors"] == []
        assert net.router_mappings() == before
        assert net.ledger() == []


@test
def app_with_several_ports_opens_all_or_nothing():
    with Home() as net:
        # TeamSpeak: voice on 9987/udp, files on 30033/tcp.
        doc = net.portierctl_json("open", "teamspeak-3", "--no-firewall", "--no-verify")
        assert doc["app"] == "teamspeak-3", doc
        assert [o["status"] for o in doc["openings"]] == ["open", "open"], doc
        ports = sorted((m["external_port"], m["protocol"]) for m in net.router_mappings())
        assert ports == [(9987, "udp"), (30033, "tcp")], ports
        net.portierctl_json("close", "teamspeak-3")
        assert net.router_mappings() == [] and net.ledger() == []


@test
def router_refusal_undoes_everything():
    # The router refuses ports below 1024: the transaction fails, nothing stays.
    with Home() as net:
        proc = net.portierctl("open", "80/tcp", "--no-firewall", "--no-verify", "--json",
                              status=1)
        doc = json.loads(proc.stdout)
        assert doc["status"] == "failed" and doc["router"]["status"] == "failed", doc
        assert doc["router"]["error_code"] == 606, doc
        assert net.router_mappings() == [] and net.ledger() == []


@test
def range_refused_half_way_is_rolled_back():
    # lan2 holds 7778/udp: 7777 is mapped first, then 7778 is refused, then 7777 must go.
    with Home("--other-host-mapping", "7778/udp") as net:
        before = net.router_mappings()
        proc = net.portierctl("open", "7777-7778/udp", "--no-firewall", "--no-verify",
                              "--json", status=1)
        doc = json.loads(proc.stdout)
        assert doc["router"]["status"] == "failed", doc
        assert table(net.router_mappings()) == table(before), net.router_mappings()
        assert net.ledger() == []


@test
def crash_mid_transaction_is_cleaned_up_by_the_next_command():
    with Home(probe=False) as net:
        # A test server that accepts and never answers: the verify step waits there.
        tarpit = net.popen("wan", PYTHON, "-c",
                           "import socket,sys,time; s=socket.socket(); "
                           "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); "
                           "s.bind((sys.argv[1], 9)); s.listen(8); c=s.accept(); "
                           "time.sleep(60)", net["PROBE_IP"])
        net.procs.append(tarpit)
        time.sleep(0.3)
        proc = net.popen("lan", "env", *[f"{k}={v}" for k, v in net.env_for_portier().items()],
                         "PORTIER_PROBE_SERVER=http://" + net["PROBE_IP"] + ":9",
                         PORTIERCTL, "open", "25565/tcp", "--no-firewall",
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not net.router_mappings():
            time.sleep(0.1)
        assert net.router_mappings(), "the mapping was never made"
        subprocess.run(["pkill", "-KILL", "-f", f"{PORTIERCTL} open 25565/tcp"], check=False)
        proc.wait(timeout=10)
        assert net.ledger() and net.ledger()[0]["state"] == "opening", net.ledger()

        listed = net.portierctl_json("list")
        assert listed["openings"] == [], listed
        assert net.router_mappings() == [], net.router_mappings()
        assert net.ledger() == []


# ---------------------------------------------------------------- the fault matrix

@test
def healthy():
    with Home() as net:
        net.app()
        net.portierctl_json("open", "25565/tcp", "--no-firewall", "--no-verify")
        report = net.diagnose()
        assert report["verdict"] == "reachable", report
        for code in ("listening", "mapping-present", "reachable"):
            assert code in report["codes"], report["codes"]
        assert report["problems"] == [], report["problems"]


@test
def nothing_listening():
    with Home() as net:
        net.portierctl_json("open", "25565/tcp", "--no-firewall", "--no-verify")
        report = net.diagnose()
        assert report["verdict"] == "not-reachable", report
        assert_first_problem(report, "no-listener")
        assert "mapping-present" in report["codes"]


@test
def app_bound_to_loopback():
    with Home() as net:
        net.app("127.0.0.1")
        net.portierctl_json("open", "25565/tcp", "--no-firewall", "--no-verify")
        report = net.diagnose()
        assert report["verdict"] == "not-reachable", report
        assert_first_problem(report, "listener-loopback-only")


@test
def no_upnp_no_natpmp():
    with Home("--upnp", "off", "--natpmp", "off") as net:
        net.app()
        report = net.diagnose()
        assert report["verdict"] == "not-reachable", report
        assert_first_problem(report, "no-router-support")
        assert "unreachable" in report["codes"]


@test
def mapping_missing():
    with Home() as net:
        net.app()
        before = net.router_mappings()
        report = net.diagnose()
        assert_first_problem(report, "mapping-missing")
        assert "unreachable" in report["codes"]
        # The trial forward that found out is gone again.
        assert table(net.router_mappings()) == table(before)


@test
def mapping_points_at_other_host():
    with Home("--other-host-mapping", "25565/tcp") as net:
        net.app()
        before = net.router_mappings()
        report = net.diagnose()
        assert_first_problem(report, "mapping-other-host")
        finding = report["findings"][0]
        assert net["LAN2_IP"] in finding["summary"], finding
        assert table(net.router_mappings()) == table(before)


@test
def carrier_grade_nat():
    with Home("--wan", "cgnat") as net:
        net.app()
        report = net.diagnose()
        assert report["verdict"] == "not-reachable", report
        assert_first_problem(report, "cgnat")


@test
def double_nat():
    with Home("--wan", "double-nat") as net:
        net.app()
        report = net.diagnose()
        assert report["verdict"] == "not-reachable", report
        assert_first_problem(report, "double-nat")


@test
def vpn_default_route():
    with Home() as net:
        net.app()
        net.portierctl_json("open", "25565/tcp", "--no-firewall", "--no-verify")
        for cmd in (["ip", "tuntap", "add", "dev", "tun0", "mode", "tun"],
                    ["ip", "link", "set", "tun0", "up"],
                    ["ip", "addr", "add", "10.8.0.2/24", "dev", "tun0"],
                    ["ip", "route", "add", "0.0.0.0/1", "dev", "tun0"],
                    ["ip", "route", "add", "128.0.0.0/1", "dev", "tun0"]):
            net.run("lan", *cmd)
        report = net.diagnose()
        assert "vpn-active" in report["problems"], report["codes"]


@test
def probe_server_down():
    with Home(probe=False) as net:
        net.app()
        net.portierctl_json("open", "25565/tcp", "--no-firewall", "--no-verify")
        report = net.diagnose()
        assert "probe-unavailable" in report["codes"], report["codes"]
        assert report["verdict"] == "unknown", report


@test
def probe_server_inside_the_home():
    # A test server in the same home network, as shipped, sees this computer's private
    # address, which it never tests: the test did not run (never “not reachable”), and
    # the finding says why instead of “did not answer”.
    with Home(probe=False) as net:
        net.app()
        proc = net.popen("lan2", home.PROBE_SERVER, "--listen",
                         f"{net['LAN2_IP']}:{home.PROBE_PORT}",
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        net.procs.append(proc)
        assert "listening on" in proc.stdout.readline()
        report = net.portierctl_json("diagnose", "25565/tcp", "--probe-server",
                                     f"http://{net['LAN2_IP']}:{home.PROBE_PORT}/")
        assert report["verdict"] == "unknown", report
        finding = report["findings"][0]
        assert finding["code"] == "probe-unavailable", report["findings"]
        assert "inside a private network" in finding["detail"], finding
        assert "did not answer" not in finding["detail"], finding
        assert "online" not in (finding["fix"] or ""), finding


@test
def forward_made_by_another_program():
    # A game server on this computer made its own forward: that is the way in, not
    # another device's.
    with Home() as net:
        net.app()
        net.upnpc("-e", "Some App", "-a", net["LAN_IP"], "25565", "25565", "TCP")
        report = net.diagnose()
        assert report["verdict"] == "reachable", report
        assert "mapping-other-host" not in report["codes"], report["codes"]
        present = next(f for f in report["findings"] if f["code"] == "mapping-present")
        assert present["status"] == "ok", present
        assert "“Some App”" in present["summary"], present
        assert net["LAN2_IP"] not in present["summary"], present
        # Nothing is offered as the problem to fix first.
        assert report["problems"] == [], report["codes"]
        assert report["findings"][0]["status"] != "problem", report["findings"][0]


@test
def another_program_holds_the_outside_port_for_another_port():
    # The outside port goes to this computer, but to another program's port 8080.
    with Home() as net:
        net.app()
        net.upnpc("-e", "Some App", "-a", net["LAN_IP"], "8080", "25565", "TCP")
        before = net.router_mappings()
        report = net.diagnose()
        assert "mapping-other-host" not in report["codes"], report["codes"]
        assert_first_problem(report, "mapping-other-program")
        finding = report["findings"][0]
        assert "“Some App”" in finding["summary"], finding
        assert net["LAN_IP"] not in finding["summary"], finding
        assert "another device" not in finding["summary"].lower(), finding
        assert table(net.router_mappings()) == table(before)


@test
def probe_down_with_a_forward_in_place():
    with Home(probe=False) as net:
        net.app()
        net.upnpc("-e", "Some App", "-a", net["LAN_IP"], "25565", "25565", "TCP")
        report = net.diagnose()
        assert report["verdict"] == "unknown", report
        assert report["codes"][0] == "probe-unavailable", report["codes"]
        # What the layers found is still said.
        for code in ("listening", "mapping-present"):
            assert code in report["codes"], report["codes"]


@test
def rogue_ssdp_device():
    # A device in the LAN answers discovery at once with IGD descriptions whose control
    # URLs point at this computer's loopback and at another LAN host: the troubleshooter
    # still finds and names the real router, and nothing connects to those places.
    with Home() as net, \
            net.listener("lan", 5001, idle=120) as this_computer, \
            net.listener("rtr", 5001, idle=120) as other_host, \
            net.rogue_device(locations=[f"http://{net['ROUTER_LAN_IP']}:5001/rootDesc.xml"],
                             controls=["http://127.0.0.1:5001",
                                       f"http://{net['ROUTER_LAN_IP']}:5001"]):
        net.app()
        opened = net.portierctl_json("open", "25565/tcp", "--no-firewall", "--no-verify")
        assert opened["router"]["method"] == "upnp", opened
        shutil.rmtree(os.path.join(net.state, "cache"), ignore_errors=True)
        report = net.diagnose()
        assert report["verdict"] == "reachable", report
        # The forward only the real router holds is found there.
        assert "mapping-present" in report["codes"], report["codes"]
        assert report["problems"] == [], report["problems"]
        shutil.rmtree(os.path.join(net.state, "cache"), ignore_errors=True)
        status = net.portierctl_json("status")["router"]
        assert status["url"] == net["ROUTER_URL"], status
        assert f"Found at {net['ROUTER_LAN_IP']}" in net.portierctl("status").stdout
        assert this_computer.connections() == 0 and other_host.connections() == 0


@test
def router_refuses():
    with Home() as net:
        report = net.diagnose("80/tcp")
        assert_first_problem(report, "no-listener")
        assert "router-refused" in report["problems"], report["codes"]
        refused = next(f for f in report["findings"] if f["code"] == "router-refused")
        assert "606" in refused["detail"], refused


if __name__ == "__main__":
    sys.exit(main())
