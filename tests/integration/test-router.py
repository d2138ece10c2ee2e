#!/usr/bin/python3
# portierctl's router step against a real router: miniupnpd (UPnP IGD + NAT-PMP) in the
# simulated home network, checked with independent clients (upnpc, the router's nftables)
# and real connections from the internet namespace. Prints TAP; needs root.
#
#   test-router.py PORTIERCTL [TEST…]
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from testbed import PYTHON, Network, main, test  # noqa: E402

PORTIERCTL = os.path.abspath(sys.argv.pop(1)) if len(sys.argv) > 1 else None


class Portier:
    """portierctl inside the lan node, with its own cache and state folders."""

    def __init__(self, net):
        self.net = net
        self.home = tempfile.mkdtemp(prefix="portier-test-")
        self.env = {"XDG_CACHE_HOME": os.path.join(self.home, "cache"),
                    "XDG_STATE_HOME": os.path.join(self.home, "state"),
                    "G_MESSAGES_DEBUG": "portier-router",
                    "G_DEBUG": "fatal-criticals"}

    def close(self):
        shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def run(self, *args, status=0, node="lan"):
        proc = self.net.run(node, PORTIERCTL, *args, check=False, env=self.env, timeout=60)
        assert "CRITICAL" not in proc.stderr and "WARNING" not in proc.stderr, proc.stderr
        if status is not None:
            assert proc.returncode == status, (
                f"portierctl {' '.join(args)}: exit {proc.returncode}, wanted {status}\n"
                f"{proc.stdout}\n{proc.stderr[-3000:]}")
        return proc

    def json(self, *args, status=0):
        proc = self.run(*args, "--json", status=status)
        return json.loads(proc.stdout)

    def open(self, spec, *extra, status=0):
        return self.json("open", spec, "--no-firewall", "--no-verify", *extra, status=status)

    def forget_state(self):
        shutil.rmtree(self.env["XDG_STATE_HOME"], ignore_errors=True)


def ours(net, port, protocol):
    return [m for m in net.router_mappings()
            if m["external_port"] == port and m["protocol"] == protocol]


# ---------------------------------------------------------------------------- mapping

@test
def tcp_udp_both_and_range_are_forwarded_and_closed():
    with Network() as net, Portier(net) as portier:
        before = net.nft_chains()
        cases = [("25565/tcp", [(25565, "tcp")]),
                 ("19132/udp", [(19132, "udp")]),
                 ("22000/both", [(22000, "tcp"), (22000, "udp")]),
                 ("2456-2458/udp", [(2456, "udp"), (2457, "udp"), (2458, "udp")])]
        for spec, ports in cases:
            doc = portier.open(spec)
            router = doc["router"]
            assert router["status"] == "mapped", doc
            assert router["method"] == "upnp"
            assert router["external_address"] == net["WAN_IP"]
            assert router["wan"] == "public"
            assert router["lease"] == 3600
            assert doc["share"] == f"{net['WAN_IP']}:{ports[0][0]}"
            assert doc["firewall"]["status"] == "skipped"
            assert doc["verify"]["status"] == "skipped"
            assert len(doc["id"]) >= 8
            assert sorted((m["external_port"], m["protocol"]) for m in router["mappings"]) \
                == sorted(ports)
            # An independent client sees them, pointing at this computer, tagged.
            for port, protocol in ports:
                seen = ours(net, port, protocol)
                assert len(seen) == 1, (spec, net.router_mappings())
                assert seen[0]["internal_client"] == net["LAN_IP"]
                assert seen[0]["internal_port"] == port
                assert seen[0]["description"].startswith("Portier ")
                # A connection from the internet arrives.
                assert net.reaches(port, protocol), (spec, port, protocol)

        listing = portier.json("list")
        assert len(listing["openings"]) == 4
        assert all(m["ours"] for m in listing["router_mappings"])

        for spec, ports in cases:
            doc = portier.json("close", spec)
            assert doc["router"]["status"] == "closed", doc
            assert sorted((m["external_port"], m["protocol"]) for m in doc["router"]["closed"]) \
                == sorted(ports)
            for port, protocol in ports:
                assert ours(net, port, protocol) == []
                assert not net.reaches(port, protocol)
        assert net.nft_chains() == before
        assert portier.json("list")["openings"] == []


@test
def app_id_and_close_by_id():
    with Network() as net, Portier(net) as portier:
        doc = portier.open("minecraft-java")
        assert doc["router"]["status"] == "mapped"
        assert doc["router"]["mappings"][0]["description"] == "Portier minecraft-java 25565/tcp"
        # Opening what is open already adds nothing: the same opening, no duplicate.
        again = portier.open("25565")
        assert again["router"]["status"] == "already-mapped", again
        assert again["id"] == doc["id"], (doc, again)
        listing = portier.json("list")
        assert [o["id"] for o in listing["openings"]] == [doc["id"]], listing
        assert portier.json("close", doc["id"])["router"]["status"] == "closed"
        assert ours(net, 25565, "tcp") == []
        portier.run("close", "no-such-app-or-id", status=2)


@test
def closing_without_the_local_record_removes_only_ours():
    with Network("--other-host-mapping", "27015/udp") as net, Portier(net) as portier:
        portier.open("25565")
        portier.open("27016/both")
        portier.forget_state()
        doc = portier.json("close", "--all")
        closed = sorted((m["external_port"], m["protocol"]) for m in doc["router"]["closed"])
        assert closed == [(25565, "tcp"), (27016, "tcp"), (27016, "udp")], doc
        left = net.router_mappings()
        assert [(m["external_port"], m["internal_client"]) for m in left] \
            == [(27015, net["LAN2_IP"])], left
        assert net.reaches(27015, "udp", listener_node="lan2")


def router_entry(net, port, protocol):
    """The router's entry for port/protocol, read back by an independent client."""
    found = ours(net, port, protocol)
    assert len(found) == 1, net.router_mappings()
    return found[0]


def unchanged(before, after, seconds=120):
    """The same forward: everything equal, the lease only counted down (a router may cap
    a permanent lease, as miniupnpd does, and then counts it down too)."""
    assert {k: v for k, v in after.items() if k != "lease"} \
        == {k: v for k, v in before.items() if k != "lease"}, (before, after)
    if before["lease"] == 0:
        assert after["lease"] == 0, (before, after)
    else:
        assert before["lease"] - seconds <= after["lease"] <= before["lease"], (before, after)


def ledger(portier):
    path = os.path.join(portier.env["XDG_STATE_HOME"], "portier", "openings.json")
    with open(path) as f:
        return json.load(f)["openings"]


@test
def another_programs_forward_to_this_computer_is_left_exactly_as_it_is():
    # A game server on this computer made its own permanent forward.
    with Network() as net, Portier(net) as portier:
        net.upnpc("-e", "Some App", "-a", net["LAN_IP"], "25565", "25565", "TCP")
        before = router_entry(net, 25565, "tcp")
        assert before["description"] == "Some App", before
        # Not the lease Portier would ask for.
        assert before["lease"] == 0 or before["lease"] > 86400, before

        doc = portier.open("25565")
        router = doc["router"]
        assert router["status"] == "already-forwarded", doc
        assert router["forwarded_by"] == "Some App", router
        assert [m["owner"] for m in router["mappings"]] == ["this-computer"], router
        unchanged(before, router_entry(net, 25565, "tcp"))

        # Recorded as found: there is nothing of Portier's to remove.
        entry = [o for o in ledger(portier) if o["id"] == doc["id"]]
        assert len(entry) == 1, ledger(portier)
        assert [m["kept_by"] for m in entry[0]["router_mappings"]] == ["Some App"], entry

        listing = portier.json("list")
        seen = [m for m in listing["router_mappings"] if m["external_port"] == 25565]
        assert [(m["owner"], m["ours"]) for m in seen] == [("this-computer", False)], seen

        closed = portier.json("close", "25565")
        assert closed["router"]["closed"] == [], closed
        unchanged(before, router_entry(net, 25565, "tcp"))
        portier.open("25565")
        portier.json("close", "--all")
        unchanged(before, router_entry(net, 25565, "tcp"))
        assert net.reaches(25565)


@test
def another_programs_outside_port_to_another_port_here_is_not_another_device():
    # A program on this computer forwards outside 25565 to its own port 8080 here.
    with Network() as net, Portier(net) as portier:
        net.upnpc("-e", "Some App", "-a", net["LAN_IP"], "8080", "25565", "TCP")
        before = router_entry(net, 25565, "tcp")
        doc = portier.open("25565", status=1)
        router = doc["router"]
        assert router["error_name"] == "RouterConflict", router
        assert router["held_by_program"] == "Some App", router
        assert "held_by" not in router, router
        assert "Another device" not in router["error"], router
        assert "another program on this computer" in router["error"].lower(), router
        assert router["alternative_port"] == 25566, router
        unchanged(before, router_entry(net, 25565, "tcp"))
        proc = portier.run("open", "25565", "--no-firewall", "--no-verify", status=1)
        assert "“Some App”" in proc.stderr, proc.stderr
        assert net["LAN_IP"] not in proc.stderr, proc.stderr
        assert "--external-port 25566" in proc.stderr, proc.stderr
        unchanged(before, router_entry(net, 25565, "tcp"))


@test
def removal_after_an_address_change_leaves_the_other_devices_forward():
    with Network() as net, Portier(net) as portier:
        old = net["LAN_IP"]
        portier.open("25565")
        assert router_entry(net, 25565, "tcp")["internal_client"] == old
        # DHCP gives this computer a new address; Portier's forward runs out, and another
        # device, now at the old address, forwards the same port to itself.
        new = old.rsplit(".", 1)[0] + ".12"
        net.run("lan", "ip", "addr", "flush", "dev", "eth0")
        net.run("lan", "ip", "addr", "add", new + "/24", "dev", "eth0")
        net.run("lan", "ip", "route", "add", "default", "via", net["ROUTER_LAN_IP"])
        net.upnpc("-d", "25565", "TCP")
        net.upnpc("-e", "Other Device", "-a", old, "25565", "25565", "TCP")
        before = router_entry(net, 25565, "tcp")

        portier.json("close", "25565")
        unchanged(before, router_entry(net, 25565, "tcp"))


@test
def another_devices_port_is_not_taken_and_an_alternative_offered():
    with Network("--other-host-mapping", "25565/tcp") as net, Portier(net) as portier:
        doc = portier.open("25565", status=1)
        router = doc["router"]
        assert router["status"] == "failed"
        assert router["error_name"] == "RouterConflict", router
        assert router["held_by"] == net["LAN2_IP"]
        assert router["alternative_port"] == 25566
        assert "Another device" in router["error"]
        # Still lan2's.
        held = ours(net, 25565, "tcp")
        assert [m["internal_client"] for m in held] == [net["LAN2_IP"]]
        assert net.reaches(25565, listener_node="lan2")
        # Human words name the way out.
        proc = portier.run("open", "25565", "--no-firewall", "--no-verify", status=1)
        assert "--external-port 25566" in proc.stderr, proc.stderr
        # Taking the offer (IGDv2: AddAnyPortMapping picks a free port).
        doc = portier.open("25565", "--external-port", "any")
        assert doc["router"]["moved"] is True
        outside = doc["router"]["external_port"]
        assert outside != 25565
        assert net.reaches(outside, internal_port=25565), outside
        assert [m["internal_client"] for m in ours(net, 25565, "tcp")] == [net["LAN2_IP"]]
        doc = portier.open("25565", "--external-port", "25570")
        assert doc["router"]["external_port"] == 25570
        assert net.reaches(25570, internal_port=25565)


@test
def an_app_whose_second_port_is_taken_leaves_nothing_open():
    # Syncthing: 22000/tcp, then 22000/udp, which lan2 holds. The TCP forward made first
    # goes again; lan2's stays.
    with Network("--other-host-mapping", "22000/udp") as net, Portier(net) as portier:
        doc = portier.open("syncthing", status=1)
        assert [o["status"] for o in doc["openings"]] == ["open", "failed"], doc
        assert doc["openings"][1]["router"]["error_name"] == "RouterConflict", doc
        left = [(m["external_port"], m["protocol"], m["internal_client"])
                for m in net.router_mappings()]
        assert left == [(22000, "udp", net["LAN2_IP"])], left
        assert portier.json("list")["openings"] == []


@test
def a_port_the_router_itself_uses_is_a_conflict_too():
    # miniupnpd serves UPnP on port 5000 and refuses to forward it: 729.
    with Network() as net, Portier(net) as portier:
        doc = portier.open("5000", status=1)
        router = doc["router"]
        assert router["error_name"] == "RouterConflict", router
        assert router["error_code"] == 729
        assert "held_by" not in router
        assert router["alternative_port"] == 5001
        assert net.router_mappings() == []


@test
def ports_below_1024_are_refused_in_plain_words():
    with Network() as net, Portier(net) as portier:
        doc = portier.open("80", status=1)
        assert doc["router"]["error_name"] == "RouterPortRestricted", doc
        assert doc["router"]["error_code"] == 606
        assert "below 1024" in doc["router"]["error"]
        assert net.router_mappings() == []
        # Ranges are forwarded port by port, and only so many at a time.
        proc = portier.run("open", "10000-10999/both", "--no-firewall", "--no-verify",
                           status=2)
        assert "at most 256 ports" in proc.stderr, proc.stderr
        assert net.router_mappings() == []


@test
def secure_mode_refusal_is_explained():
    with Network("--secure-mode", "on") as net, Portier(net) as portier:
        doc = portier.open("3000", status=1)
        assert doc["router"]["error_name"] == "RouterSecureMode", doc
        assert doc["router"]["error_code"] == 606
        proc = portier.run("open", "3000", "--no-firewall", "--no-verify", status=1)
        assert "only lets each device forward ports for itself" in proc.stderr, proc.stderr
        assert net.router_mappings() == []


@test
def a_failing_port_rolls_back_the_others():
    # 3000-3002/tcp: the middle port is another device's, so nothing stays.
    with Network("--other-host-mapping", "3001/tcp") as net, Portier(net) as portier:
        doc = portier.open("3000-3002/tcp", status=1)
        assert doc["router"]["error_name"] == "RouterConflict"
        assert [(m["external_port"], m["internal_client"]) for m in net.router_mappings()] \
            == [(3001, net["LAN2_IP"])]
        assert portier.json("list")["openings"] == []


# ---------------------------------------------------------------------------- the WAN side

@test
def carrier_grade_nat_is_reported_as_such():
    with Network("--wan", "cgnat") as net, Portier(net) as portier:
        status = portier.json("status")["router"]
        assert status["found"] and status["method"] == "upnp"
        assert status["external_address"] is None
        assert status["wan"] == "cgnat", status
        assert status["upstream_hop"] == "100.64.0.1"
        doc = portier.open("25565", status=1)
        assert doc["router"]["error_name"] == "RouterCarrierNat", doc
        assert doc["router"]["error_code"] == 501
        assert "carrier-grade NAT" in doc["router"]["error"]
        assert net.router_mappings() == []


@test
def double_nat_is_reported_as_such():
    with Network("--wan", "double-nat") as net, Portier(net) as portier:
        status = portier.json("status")["router"]
        assert status["wan"] == "double-nat", status
        assert status["upstream_hop"] == "192.168.0.1"
        doc = portier.open("25565", status=1)
        assert doc["router"]["error_name"] == "RouterDoubleNat", doc
        proc = portier.run("status")
        assert "second router" in proc.stdout, proc.stdout


@test
def a_disconnected_router_is_reported_as_such():
    with Network() as net, Portier(net) as portier:
        net.run("rtr", "ip", "link", "set", "wan0", "down")
        status = portier.json("status")["router"]
        assert status["connection"] == "Disconnected", status
        assert status["wan"] == "disconnected"
        assert "not connected to the internet" in portier.run("status").stdout
        # miniupnpd still takes the forward; it works once the line is back.
        doc = portier.open("25565")
        assert doc["router"]["status"] == "mapped" and doc["router"]["wan"] == "disconnected"
        out = portier.run("open", "25565", "--no-firewall", "--no-verify").stdout
        assert "not connected to the internet" in out, out
        net.run("rtr", "ip", "link", "set", "wan0", "up")
        assert net.reaches(25565)


# ---------------------------------------------------------------------------- NAT-PMP

@test
def without_upnp_natpmp_forwards():
    with Network("--upnp", "off") as net, Portier(net) as portier:
        doc = portier.open("25565/both")
        router = doc["router"]
        assert router["status"] == "mapped", doc
        assert router["method"] == "natpmp"
        assert router["external_address"] == net["WAN_IP"]
        assert router["lease"] == 3600
        assert net.reaches(25565, "tcp") and net.reaches(25565, "udp")
        assert doc["share"] == f"{net['WAN_IP']}:25565"
        listing = portier.json("list")
        assert listing["router_can_list"] is False and len(listing["openings"]) == 1
        portier.json("close", doc["id"])
        assert not net.reaches(25565, "tcp") and not net.reaches(25565, "udp")
        # Without the record too: NAT-PMP only ever removes this computer's own forwards.
        portier.open("4000/udp")
        portier.forget_state()
        portier.json("close", "4000/udp")
        assert not net.reaches(4000, "udp")


@test
def natpmp_close_removes_only_this_computers_mapping_of_that_port_and_protocol():
    # NAT-PMP cannot read an entry back: removal asks for this computer's mapping of one
    # internal port and protocol (another device's are not this computer's to remove), and
    # nothing else of this computer's may go with it.
    with Network("--upnp", "off") as net, Portier(net) as portier:
        gateway = net["ROUTER_LAN_IP"]
        # Other programs here: another internal port, and the same port over UDP.
        net.run("lan", "natpmpc", "-g", gateway, "-a", "8080", "8080", "tcp", "3600")
        net.run("lan", "natpmpc", "-g", gateway, "-a", "25570", "25570", "udp", "3600")
        doc = portier.open("25570/tcp")
        assert doc["router"]["method"] == "natpmp", doc
        assert net.reaches(25570, "tcp")
        portier.json("close", "25570/tcp")
        assert not net.reaches(25570, "tcp")
        assert net.reaches(8080, "tcp")
        assert net.reaches(25570, "udp")


@test
def natpmp_conflict_offers_the_port_the_router_picked():
    with Network("--upnp", "off", "--other-host-mapping", "25565/tcp") as net, \
            Portier(net) as portier:
        doc = portier.open("25565", status=1)
        assert doc["router"]["error_name"] == "RouterConflict", doc
        alternative = doc["router"]["alternative_port"]
        assert alternative not in (0, 25565)
        assert net.reaches(25565, listener_node="lan2")
        assert not net.reaches(alternative), "the offered port was not given back"
        doc = portier.open("25565", "--external-port", "any")
        assert doc["router"]["moved"]
        assert net.reaches(doc["router"]["external_port"], internal_port=25565)


@test
def natpmp_under_carrier_grade_nat():
    with Network("--upnp", "off", "--wan", "cgnat") as net, Portier(net) as portier:
        status = portier.json("status")["router"]
        assert status["method"] == "natpmp" and status["wan"] == "cgnat", status
        doc = portier.open("25565", status=1)
        assert doc["router"]["error_name"] == "RouterCarrierNat", doc


@test
def no_router_support_is_said_within_a_bounded_time():
    with Network("--upnp", "off", "--natpmp", "off") as net, Portier(net) as portier:
        start = time.monotonic()
        doc = portier.open("25565", status=1)
        elapsed = time.monotonic() - start
        assert doc["router"]["error_name"] == "RouterNotFound", doc
        assert "UPnP or NAT-PMP" in doc["router"]["error"]
        assert elapsed < 6.0, elapsed
        status = portier.json("status")["router"]
        assert status["found"] is False


# ---------------------------------------------------------------------------- keeping it

def hold(portier, *args):
    env = dict(os.environ, **portier.env)
    env["G_MESSAGES_DEBUG"] = ""
    return portier.net.popen("lan", PORTIERCTL, "open", *args, "--no-firewall",
                             "--no-verify", "--hold", stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)


def wait_for_line(proc, text, timeout):
    deadline = time.monotonic() + timeout
    lines = []
    os.set_blocking(proc.stdout.fileno(), False)
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            lines.append(line)
            if text in line:
                return lines
        else:
            time.sleep(0.05)
    raise AssertionError(f"no '{text}' in {timeout} s: {lines}")


def stop(proc):
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, (proc.returncode, out, err)
    return out


@test
def a_short_lease_is_renewed_while_held():
    with Network() as net, Portier(net) as portier:
        proc = hold(portier, "4000", "--lease", "4")
        try:
            wait_for_line(proc, "keeps the forward alive", 10)
            time.sleep(9)  # more than two leases
            seen = ours(net, 4000, "tcp")
            assert len(seen) == 1 and 0 < seen[0]["lease"] <= 4, seen
            assert net.reaches(4000)
        finally:
            out = stop(proc)
        assert "Closed." in out, out
        assert ours(net, 4000, "tcp") == []


@test
def a_lease_is_renewed_on_time():
    # The keeper's one timer waits for the renewal at half the lease: the router's own
    # count never runs down much below half, and the forward never lapses.
    with Network() as net, Portier(net) as portier:
        proc = hold(portier, "4000", "--lease", "6")
        try:
            wait_for_line(proc, "keeps the forward alive", 10)
            leases = []
            end = time.monotonic() + 10   # three renewals and more
            while time.monotonic() < end:
                seen = ours(net, 4000, "tcp")
                assert len(seen) == 1, (seen, leases)
                leases.append(seen[0]["lease"])
                time.sleep(0.25)
            print(f"# the router's lease left, lowest {min(leases)} s of 6 "
                  f"({len(leases)} looks)", flush=True)
            # Renewed at 3 s left; a second of slack for a loaded machine.
            assert min(leases) >= 2, leases
            assert max(leases) <= 6, leases
        finally:
            stop(proc)
        assert ours(net, 4000, "tcp") == []


@test
def while_portier_runs_the_forward_has_a_short_lease():
    # --hold without --lease opens "while Portier runs": the forward gets a lease of
    # minutes, renewed while portierctl runs, so a crash leaves it open minutes, not an
    # hour. (Waiting the five minutes out is left to the router's own clock.)
    with Network() as net, Portier(net) as portier:
        proc = hold(portier, "4100")
        try:
            wait_for_line(proc, "keeps the forward alive", 10)
            seen = ours(net, 4100, "tcp")
            assert len(seen) == 1 and 0 < seen[0]["lease"] <= 300, seen
            assert net.reaches(4100)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=20)
        seen = ours(net, 4100, "tcp")
        assert len(seen) == 1 and 0 < seen[0]["lease"] <= 300, seen
        # The next portierctl finds the dead owner's opening and closes it.
        portier.json("close", "--all")
        assert ours(net, 4100, "tcp") == []


@test
def a_router_restart_is_noticed_and_the_forward_added_again():
    with Network() as net, Portier(net) as portier:
        proc = hold(portier, "4000", "--lease", "4")
        try:
            wait_for_line(proc, "keeps the forward alive", 10)
            assert net.reaches(4000)
            # The restart forgets every mapping (the testbed's own test shows it); the
            # keeper says so only when it found the forward missing on the router.
            net.router("restart")
            wait_for_line(proc, "Portier added it again", 10)
            assert len(ours(net, 4000, "tcp")) == 1
            assert net.reaches(4000)
        finally:
            stop(proc)
        assert ours(net, 4000, "tcp") == []


class FakeLogind:
    """logind on a private system bus (python-dbusmock's logind template): the real one
    needs systemd as PID 1, which these tests do not have. The bus listens on a path, so
    the testbed's network namespaces reach it."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="portier-logind-")
        self.address = f"unix:path={self.dir}/bus"
        self.bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork",
                                     "--address", self.address],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address)
        deadline = time.monotonic() + 10
        while not os.path.exists(f"{self.dir}/bus"):
            assert time.monotonic() < deadline, "no private bus"
            time.sleep(0.05)
        self.mock = subprocess.Popen([PYTHON, "-m", "dbusmock", "--system", "--template",
                                      "logind"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, env=env)
        while subprocess.run(["gdbus", "introspect", "--system", "--dest",
                              "org.freedesktop.login1", "--object-path",
                              "/org/freedesktop/login1"], env=env, capture_output=True,
                             check=False).returncode != 0:
            assert time.monotonic() < deadline, "the fake logind did not start"
            time.sleep(0.1)

    def woke_up(self):
        env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=self.address)
        subprocess.run(["gdbus", "call", "--system", "--dest", "org.freedesktop.login1",
                        "--object-path", "/org/freedesktop/login1", "--method",
                        "org.freedesktop.DBus.Mock.EmitSignal",
                        "org.freedesktop.login1.Manager", "PrepareForSleep", "b",
                        "[<false>]"], env=env, check=True, capture_output=True, timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for proc in (self.mock, self.bus):
            proc.kill()
            proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
        return False


@test
def after_sleep_every_forward_is_looked_at_at_once():
    # A lease of ten minutes: without word of waking, the next look at the router would be
    # up to 30 s away. Waking from sleep (the router may have restarted meanwhile) makes
    # it at once.
    with Network() as net, Portier(net) as portier, FakeLogind() as logind:
        portier.env["DBUS_SYSTEM_BUS_ADDRESS"] = logind.address
        proc = hold(portier, "4000", "--lease", "600")
        try:
            wait_for_line(proc, "keeps the forward alive", 10)
            time.sleep(1)
            net.router("restart")
            assert ours(net, 4000, "tcp") == []
            woke = time.monotonic()
            logind.woke_up()
            wait_for_line(proc, "Portier added it again", 5)
            print(f"# added again {time.monotonic() - woke:.1f} s after waking", flush=True)
            seen = ours(net, 4000, "tcp")
            assert len(seen) == 1 and 0 < seen[0]["lease"] <= 600, seen
            assert net.reaches(4000)
        finally:
            stop(proc)
        assert ours(net, 4000, "tcp") == []


@test
def a_forward_until_closed_is_added_again_when_the_router_forgot_it():
    with Network() as net, Portier(net) as portier:
        portier.open("5100", "--permanent")
        proc = hold(portier, "5200", "--lease", "600")
        try:
            wait_for_line(proc, "keeps the forward alive", 10)
            net.router("restart")
            # Looked at every 30 s at most; 5100 has no lease to renew, yet comes back.
            deadline = time.monotonic() + 40
            while not ours(net, 5100, "tcp") and time.monotonic() < deadline:
                time.sleep(1)
            seen = ours(net, 5100, "tcp")
            assert len(seen) == 1 and seen[0]["internal_client"] == net["LAN_IP"], seen
            assert net.reaches(5100)
        finally:
            stop(proc)
        portier.json("close", "5100")
        assert ours(net, 5100, "tcp") == []


@test
def without_a_lease_limit_the_forward_is_permanent():
    with Network() as net, Portier(net) as portier:
        doc = portier.open("5100", "--permanent")
        assert doc["router"]["permanent"] is True
        seen = ours(net, 5100, "tcp")
        # IGDv2 has no infinite leases: miniupnpd gives its maximum, a week.
        assert len(seen) == 1 and seen[0]["lease"] > 600000, seen
        portier.json("close", "5100")
        assert ours(net, 5100, "tcp") == []


# ---------------------------------------------------------------------------- IPv6

@test
def ipv6_pinhole_opened_and_closed():
    with Network("--ipv6", "on") as net, Portier(net) as portier:
        assert not net.reaches(8080, address=net["LAN_IP6"], family="ipv6")
        doc = portier.open("8080")
        ipv6 = doc["router"]["ipv6"]
        assert ipv6["status"] == "opened", doc
        assert ipv6["address"] == net["LAN_IP6"]
        assert len(ipv6["pinholes"]) == 1
        assert net.reaches(8080, address=net["LAN_IP6"], family="ipv6")
        assert net.reaches(8080)  # and IPv4 through the forward
        portier.json("close", doc["id"])
        assert not net.reaches(8080, address=net["LAN_IP6"], family="ipv6")
        assert not net.reaches(8080)


@test
def a_held_ipv6_pinhole_survives_a_router_restart():
    with Network("--ipv6", "on") as net, Portier(net) as portier:
        proc = hold(portier, "8080", "--lease", "4")
        try:
            wait_for_line(proc, "keeps the forward alive", 10)
            time.sleep(5)  # renewed at least once
            assert net.reaches(8080, address=net["LAN_IP6"], family="ipv6")
            net.router("restart")
            wait_for_line(proc, "opened it again", 10)
            assert net.reaches(8080, address=net["LAN_IP6"], family="ipv6")
            # The IPv4 forward comes back with its next renewal (every 2 s with a 4 s
            # lease), which may be a moment after the pinhole's.
            deadline = time.monotonic() + 15
            while not net.reaches(8080) and time.monotonic() < deadline:
                time.sleep(0.5)
            assert net.reaches(8080)
        finally:
            stop(proc)
        assert not net.reaches(8080, address=net["LAN_IP6"], family="ipv6")
        assert portier.json("list")["openings"] == []


def remember_ipv6_side_at(portier, net, host):
    """Makes Portier remember host (instead of the router) as the IPv6 side."""
    cache = os.path.join(portier.env["XDG_CACHE_HOME"], "portier", "routers.ini")
    with open(cache) as f:
        text = f.read()
    assert net["ROUTER_URL6"] in text, text
    with open(cache, "w") as f:
        f.write(text.replace(net["ROUTER_URL6"], f"http://[{host}]:5000/rootDesc.xml"))
    return cache


@test
def a_stale_remembered_ipv6_side_is_noticed_and_replaced():
    with Network("--ipv6", "on") as net, Portier(net) as portier:
        doc = portier.open("8080")  # remembers the router's IPv6 side
        assert doc["router"]["ipv6"]["status"] == "opened", doc
        portier.json("close", doc["id"])

        # The router's IPv6 side went away: nothing answers at the remembered address
        # (another computer of the home has it). The check fails and the search finds
        # the router again, which is remembered instead.
        cache = remember_ipv6_side_at(portier, net, net["LAN2_IP6"])
        proc = portier.run("open", "8080", "--no-firewall", "--no-verify", "--json")
        doc = json.loads(proc.stdout)
        assert f"UPnP IPv6: skipping http://[{net['LAN2_IP6']}]:5000" in proc.stderr, \
            proc.stderr[-3000:]
        assert doc["router"]["ipv6"]["status"] == "opened", doc
        assert net.reaches(8080, address=net["LAN_IP6"], family="ipv6")
        with open(cache) as f:
            assert net["ROUTER_URL6"] in f.read()
        portier.json("close", doc["id"])
        assert not net.reaches(8080, address=net["LAN_IP6"], family="ipv6")

        # A remembered address off this computer's IPv6 prefix is not even contacted.
        remember_ipv6_side_at(portier, net, net["PROBE_IP6"])
        with net.listener("wan", 5000, family="ipv6") as wan_listener:
            doc = portier.open("8080")
            assert not wan_listener.contacted()
        assert doc["router"]["ipv6"]["status"] == "opened", doc
        portier.json("close", doc["id"])


@test
def without_ipv6_nothing_is_said_about_it():
    with Network() as net, Portier(net) as portier:
        doc = portier.open("8080")
        assert doc["router"]["ipv6"]["status"] == "no-address", doc


# ---------------------------------------------------------------------------- discovery

@test
def the_router_is_remembered_and_checked_before_use():
    with Network() as net, Portier(net) as portier:
        first = portier.json("status")["router"]
        assert first["remembered"] is False
        second = portier.json("status")["router"]
        assert second["remembered"] is True
        cache = os.path.join(portier.env["XDG_CACHE_HOME"], "portier", "routers.ini")
        with open(cache) as f:
            text = f.read()
        # A remembered address that is not on this subnet is not used.
        with open(cache, "w") as f:
            f.write(text.replace(net["ROUTER_LAN_IP"] + ":5000", net["PROBE_IP"] + ":5000"))
        with net.listener("wan", 5000) as wan_listener:
            third = portier.json("status")["router"]
            assert not wan_listener.contacted()
        assert third["remembered"] is False and third["url"] == net["ROUTER_URL"], third


FORGER = r"""
import socket, struct, sys, select, time
# Answers every M-SEARCH with forged locations, before the real router does.
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 1900))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             struct.pack("4s4s", socket.inet_aton("239.255.255.250"),
                         socket.inet_aton(sys.argv[1])))
print("ready", flush=True)
while True:
    r, _, _ = select.select([s], [], [], 20)
    if not r:
        break
    data, peer = s.recvfrom(2048)
    if not data.startswith(b"M-SEARCH"):
        continue
    for location in sys.argv[2:]:
        s.sendto(("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\n"
                  "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
                  "USN: uuid:forged\r\nLOCATION: %s\r\n\r\n" % location).encode(), peer)
"""


@test
def forged_ssdp_answers_are_ignored_and_the_gateway_preferred():
    with Network() as net, Portier(net) as portier:
        forger = net.popen("lan2", PYTHON, "-u", "-c", FORGER, net["LAN2_IP"],
                           f"http://{net['PROBE_IP']}:5000/rootDesc.xml",
                           "http://127.0.0.1:5000/rootDesc.xml",
                           "http://169.254.1.1:5000/rootDesc.xml",
                           "http://224.0.0.1:5000/rootDesc.xml",
                           "http://router.example:5000/rootDesc.xml",
                           f"http://{net['LAN2_IP']}:5000/rootDesc.xml",
                           stdout=subprocess.PIPE, text=True)
        try:
            assert forger.stdout.readline().strip() == "ready"
            with net.listener("wan", 5000) as wan_listener, \
                    net.listener("lan2", 5000) as lan2_listener:
                proc = portier.run("status", "--json")
                status = json.loads(proc.stdout)["router"]
                assert not wan_listener.contacted()
                assert not lan2_listener.contacted()
            assert status["url"] == net["ROUTER_URL"], status
            log = proc.stderr
            assert "not on this computer's subnet" in log, log[-2000:]
            assert "loopback" in log and "link-local" in log and "multicast" in log
        finally:
            forger.kill()
            forger.wait()


def hostile_controls(net, port):
    """Control URLs a rogue description may give, each reaching a listener on port: this
    computer's loopback (by address, by name, behind userinfo), its LAN address, and
    another LAN host (the router, on a port that is not its UPnP one)."""
    return [f"http://127.0.0.1:{port}", f"http://localhost:{port}",
            f"http://{net['LAN2_IP']}@127.0.0.1:{port}", f"http://{net['LAN_IP']}:{port}",
            f"http://{net['ROUTER_LAN_IP']}:{port}"]


def forget_router(portier):
    shutil.rmtree(os.path.join(portier.env["XDG_CACHE_HOME"], "portier"), ignore_errors=True)


@test
def a_rogue_device_gets_no_request_and_the_router_is_used():
    # A device in the LAN answers discovery at once with IGD descriptions whose control
    # URLs point elsewhere, and with a location on another host. Nothing may connect
    # there (not even the status query); the real router is found and used.
    with Network() as net, Portier(net) as portier, \
            net.listener("lan", 5001, idle=120) as this_computer, \
            net.listener("rtr", 5001, idle=120) as other_host, \
            net.rogue_device(locations=[f"http://{net['ROUTER_LAN_IP']}:5001/rootDesc.xml"],
                             controls=hostile_controls(net, 5001)):
        for round in range(3):
            forget_router(portier)
            proc = portier.run("status", "--json")
            status = json.loads(proc.stdout)["router"]
            assert status["method"] == "upnp" and status["url"] == net["ROUTER_URL"], status
            forget_router(portier)
            doc = portier.open(f"{25565 + round}")
            assert doc["router"]["status"] == "mapped" and doc["router"]["method"] == "upnp", doc
            assert net.reaches(25565 + round)
        assert this_computer.connections() == 0, "a request went to this computer"
        assert other_host.connections() == 0, "a request went to another LAN host"
        assert [m["internal_client"] for m in net.router_mappings()] == [net["LAN_IP"]] * 3


@test
def a_rogue_device_alone_is_skipped_and_natpmp_used():
    with Network("--upnp", "off") as net, Portier(net) as portier, \
            net.listener("lan", 5001, idle=120) as this_computer, \
            net.listener("rtr", 5001, idle=120) as other_host, \
            net.rogue_device(controls=hostile_controls(net, 5001)):
        status = portier.json("status")["router"]
        assert status["method"] == "natpmp", status
        doc = portier.open("25565")
        assert doc["router"]["status"] == "mapped" and doc["router"]["method"] == "natpmp", doc
        assert this_computer.connections() == 0 and other_host.connections() == 0


@test
def status_names_the_router_in_plain_words():
    with Network() as net, Portier(net) as portier:
        out = portier.run("status").stdout
        assert f"Found at {net['ROUTER_LAN_IP']}" in out and "UPnP" in out, out
        assert net["WAN_IP"] in out
        assert "public internet address" in out


if __name__ == "__main__":
    if PORTIERCTL is None or not os.access(PORTIERCTL, os.X_OK):
        print("1..0 # SKIP no portierctl given")
        sys.exit(0)
    sys.exit(main())
