#!/usr/bin/python3
# The simulated home network itself: quick to start, leaves nothing behind, and its router
# forwards from the internet only what was mapped. Prints TAP; needs root.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from testbed import TESTBED, Network, main, namespaces_named, test  # noqa: E402

STATE_ROOT = os.environ.get("PORTIER_TESTBED_DIR", "/run/portier-testbed")


def assert_gone(name):
    assert namespaces_named(name) == [], namespaces_named(name)
    assert not os.path.exists(os.path.join(STATE_ROOT, name))
    out = subprocess.run(["ps", "-eo", "pid,stat,args"], capture_output=True, text=True).stdout
    mine = [line for line in out.splitlines()
            if f"{STATE_ROOT}/{name}/" in line and " Z" not in line]
    assert mine == [], mine


@test
def up_prints_the_interface():
    # How quickly it comes up is not asserted here (a loaded machine is slower; speed
    # belongs in tools/bench), only said.
    with Network() as net:
        print(f"# up in {net.up_seconds:.2f} s")
        for key in ("NAME", "LAN_IP", "LAN2_IP", "ROUTER_LAN_IP", "WAN_IP", "PROBE_IP",
                    "PROBE_IP6", "LAN_IP6"):
            assert "TESTBED_" + key in net.env, key
        assert sorted(namespaces_named(net.name)) == sorted(
            f"{net.name}-{n}" for n in ("wan", "rtr", "lan", "lan2"))
        addresses = net.run("lan", "ip", "-4", "-o", "addr").stdout
        assert net["LAN_IP"] in addresses
        # The machine's own namespace has none of it.
        host = subprocess.run(["ip", "-o", "addr"], capture_output=True, text=True).stdout
        assert net["WAN_IP"] + "/" not in host and net["PROBE_IP"] + "/" not in host


@test
def internet_reaches_the_lan_only_through_a_mapping():
    with Network() as net:
        before = net.nft_chains()
        assert not net.reaches(25565), "reached the LAN without a mapping"
        net.upnpc("-e", "test", "-a", net["LAN_IP"], "25565", "25565", "TCP")
        assert net.reaches(25565), "mapped port did not reach the LAN"
        # Not the other protocol, not another port, not the other LAN host.
        assert not net.reaches(25565, "udp")
        assert not net.reaches(25566)
        assert not net.reaches(25565, listener_node="lan2")
        net.upnpc("-d", "25565", "TCP")
        assert not net.reaches(25565), "still reachable after the mapping was removed"
        assert net.nft_chains() == before


@test
def router_logs_to_its_file_not_this_machines_console():
    # Without a syslog daemon, miniupnpd's debug lines would also go to the machine's
    # console, slowing every request down by milliseconds (see start_router).
    with Network() as net:
        state = os.path.join(STATE_ROOT, net.name)
        with open(os.path.join(state, "miniupnpd.pid")) as f:
            pid = int(f.read().strip())
        console = os.stat(f"/proc/{pid}/root/dev/console")
        assert console.st_rdev == os.stat("/dev/null").st_rdev, \
            f"the router's console is device {os.major(console.st_rdev)}:" \
            f"{os.minor(console.st_rdev)}, not /dev/null"
        net.upnpc("-e", "test", "-a", net["LAN_IP"], "25565", "25565", "TCP")
        with open(os.path.join(state, "miniupnpd.log")) as f:
            assert "AddPortMapping" in f.read(), "the router's log file misses the request"
        net.upnpc("-d", "25565", "TCP")


@test
def udp_mapping_over_natpmp():
    with Network("--upnp", "off") as net:
        out = net.run("lan", "natpmpc", "-g", net["ROUTER_LAN_IP"], "-a", "4000", "4000",
                      "udp", "60").stdout
        assert "Mapped public port 4000 protocol UDP" in out, out
        assert net.reaches(4000, "udp")
        assert not net.reaches(4000, "tcp")
        # No UPnP at all.
        assert net.run("rtr", "ss", "-Hltn", "sport = :5000").stdout.strip() == ""


@test
def down_leaves_nothing_and_is_idempotent():
    with Network("--ipv6", "on", "--other-host-mapping", "7777/udp") as net:
        name = net.name
        assert net.popen("lan", "sleep", "60").pid
        time.sleep(0.1)
    assert_gone(name)
    subprocess.run([TESTBED, "down", name], check=True)
    assert_gone(name)


@test
def run_tears_down_on_failure_and_signal():
    proc = subprocess.run([TESTBED, "run", "--", "sh", "-c",
                           'echo "$TESTBED_NAME $TESTBED_LAN_IP"; exit 7'],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 7, proc
    name, lan_ip = proc.stdout.split()
    assert lan_ip == "192.168.1.10"
    assert_gone(name)

    proc = subprocess.Popen([TESTBED, "run", "--", "sh", "-c",
                             'echo "$TESTBED_NAME"; exec sleep 60'],
                            stdout=subprocess.PIPE, text=True)
    name = proc.stdout.readline().strip()
    assert namespaces_named(name)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)
    assert_gone(name)


@test
def parallel_networks_do_not_collide():
    with Network() as a, Network() as b:
        assert a.name != b.name
        a.upnpc("-e", "a", "-a", a["LAN_IP"], "3000", "3000", "TCP")
        assert a.reaches(3000)
        assert not b.reaches(3000)


@test
def other_host_mapping_belongs_to_lan2():
    with Network("--other-host-mapping", "25565/tcp") as net:
        mappings = net.router_mappings()
        assert [(m["external_port"], m["internal_client"], m["protocol"]) for m in mappings] \
            == [(25565, net["LAN2_IP"], "tcp")], mappings
        assert net.reaches(25565, listener_node="lan2")


@test
def reserved_wan_addresses_disable_forwarding():
    # Real miniupnpd behaviour: with a private or 100.64.0.0/10 WAN address it reports no
    # external address, refuses mappings (501) and NAT-PMP answers "network failure".
    for wan, wan_ip in (("cgnat", "100.64.0.2"), ("double-nat", "192.168.0.2")):
        with Network("--wan", wan) as net:
            assert net["WAN_IP"] == wan_ip
            assert net["PUBLIC_IP"] != wan_ip
            assert wan_ip in net.run("rtr", "ip", "-4", "-o", "addr").stdout
            out = net.upnpc("-s").stdout
            assert "GetExternalIPAddress failed. (empty string)" in out, out
            out = net.upnpc("-a", net["LAN_IP"], "2000", "2000", "TCP", check=False).stdout
            assert "failed with code 501" in out, out
            out = net.run("lan", "natpmpc", "-g", net["ROUTER_LAN_IP"], check=False).stdout
            assert "network failure" in out or "returned -52" in out, out


@test
def secure_mode_refuses_this_computer():
    with Network("--secure-mode", "on") as net:
        out = net.upnpc("-a", net["LAN_IP"], "3000", "3000", "TCP", check=False).stdout
        assert "failed with code 606" in out, out
        # lan2 may forward for itself, but not for this computer (secure mode).
        net.upnpc("-a", net["LAN2_IP"], "3001", "3001", "TCP", node="lan2")
        out = net.upnpc("-a", net["LAN_IP"], "3002", "3002", "TCP", node="lan2",
                        check=False).stdout
        assert "failed with code 718" in out, out


@test
def ports_below_1024_are_refused():
    with Network() as net:
        out = net.upnpc("-a", net["LAN_IP"], "80", "80", "TCP", check=False).stdout
        assert "failed with code 606" in out, out


@test
def ipv6_is_routed_and_filtered():
    with Network("--ipv6", "on") as net:
        assert net["LAN_IP6"] and net["PROBE_IP6"]
        assert not net.reaches(8080, address=net["LAN_IP6"], family="ipv6")
        # miniupnpd opens a pinhole only for the address the request comes from.
        out = net.run("lan", "upnpc", "-6", "-u", net["ROUTER_URL6"],
                      "-A", "", "0", net["LAN_IP6"], "8080", "6", "60").stdout
        assert "Pinhole ID" in out, out
        assert net.reaches(8080, address=net["LAN_IP6"], family="ipv6")


@test
def router_restart_forgets_mappings():
    with Network() as net:
        net.upnpc("-e", "test", "-a", net["LAN_IP"], "3000", "3000", "TCP")
        assert net.reaches(3000)
        net.router("restart")
        assert net.router_mappings() == []
        assert not net.reaches(3000)


if __name__ == "__main__":
    sys.exit(main())
