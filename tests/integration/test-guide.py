#!/usr/bin/python3
# The step-by-step guide in the simulated home network: a router without UPnP, recognized
# by its maker's hardware-address prefix, guided through a forward made by hand (as the
# person would make it: nft in the router's namespace) until the test from the internet
# gets through; double NAT and carrier-grade NAT with their guides; IPv6 as the way out
# beside carrier-grade NAT; and a forward left at this computer's old address.
# Real miniupnpd, real probe server, real sockets.
#
#   test-guide.py PORTIERCTL PROBE_SERVER [TEST…]
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import home  # noqa: E402
from home import Home  # noqa: E402
from testbed import main, test  # noqa: E402

home.configure(os.path.abspath(sys.argv.pop(1)), os.path.abspath(sys.argv.pop(1)))

AVM_MAC = "00:04:0e:12:34:56"   # AVM GmbH's prefix in the IEEE registry (FRITZ!Box)


def values(step):
    return {v["name"]: v["value"] for v in step["values"]}


def all_values(guide):
    return [v["value"] for step in guide["steps"] for v in step["values"]]


def step_of(guide, kind):
    for number, step in enumerate(guide["steps"], 1):
        if step["kind"] == kind:
            return number, step
    raise AssertionError(f"no {kind} step in {[s['kind'] for s in guide['steps']]}")


@test
def router_without_upnp_named_by_its_maker_and_forwarded_by_hand():
    with Home("--upnp", "off", "--natpmp", "off", "--router-mac", AVM_MAC) as net:
        net.app()
        report = net.diagnose()
        assert report["verdict"] == "not-reachable", report
        assert "no-router-support" in report["problems"], report
        guide = report["guide"]
        assert guide["problem"] == "no-router-support", guide
        router = guide["router"]
        assert (router["family"], router["source"]) == ("fritzbox", "hardware-address"), router
        assert "AVM" in router["vendor"], router
        assert router["admin_url"], router

        # Its settings page, on the gateway's address too.
        _, settings = step_of(guide, "open-settings")
        assert f"http://{net['ROUTER_LAN_IP']}/" in values(settings).values(), settings
        # The forward with this computer's address, the port and the protocol, under the
        # names the FRITZ!Box gives its fields.
        number, forward = step_of(guide, "forward")
        typed = list(values(forward).values())
        assert net["LAN_IP"] in typed and "25565" in typed and "TCP" in typed, forward
        assert forward["check"] == "reachable-ipv4", forward

        # The human text names the router and walks through the steps.
        text = net.portierctl("diagnose", "25565/tcp", status=0).stdout
        assert "FRITZ!Box" in text and "Step 1 of" in text, text
        only = net.portierctl("guide", "25565/tcp", status=0).stdout
        assert only.startswith("Step by step") and "✗" not in only, only

        # Not done yet: checking the step says so.
        assert net.portierctl("guide", "25565/tcp", "--check", str(number),
                              status=1).stdout.startswith("✗")

        # What the person does in the FRITZ!Box's pages, done in the router itself.
        net.run("rtr", "nft", "add", "rule", "inet", "filter", "prerouting", "iifname",
                "wan0", "tcp", "dport", "25565", "dnat", "ip", "to",
                f"{net['LAN_IP']}:25565")
        net.run("rtr", "nft", "add", "rule", "inet", "filter", "forward", "ip", "daddr",
                net["LAN_IP"], "tcp", "dport", "25565", "accept")

        checked = net.portierctl_json("guide", "25565/tcp", "--check", str(number))
        assert checked["passed"] is True and checked["verdict"] == "reachable", checked
        assert net.diagnose()["verdict"] == "reachable"


@test
def double_nat_names_the_box_in_front():
    with Home("--wan", "double-nat") as net:
        net.app()
        report = net.diagnose()
        assert report["problems"][0] == "double-nat", report
        outer = "192.168.0.1"   # the first router, the hop after the home router
        assert outer in report["findings"][0]["detail"], report["findings"][0]
        guide = report["guide"]
        assert guide["problem"] == "double-nat", guide
        kinds = [s["kind"] for s in guide["steps"]]
        assert "bridge-mode" in kinds and "forward-outer" in kinds and "forward" in kinds, kinds
        assert outer in values(guide["steps"][0]).values(), guide["steps"][0]
        assert f"http://{outer}/" in all_values(guide), guide


@test
def carrier_grade_nat_guide_and_the_routers_own_address():
    with Home("--wan", "cgnat") as net:
        net.app()
        report = net.diagnose()
        assert report["problems"][0] == "cgnat", report
        # miniupnpd keeps its address to itself: the provider's side of the link (the hop
        # after the router) is never given as the router's own address.
        finding = report["findings"][0]
        assert "100.64.0.1" not in finding["detail"], finding
        guide = report["guide"]
        assert guide["problem"] == "cgnat", guide
        kinds = [s["kind"] for s in guide["steps"]]
        # No IPv6 here: the provider, then a relay.
        assert kinds == ["explain", "ask-provider", "relay"], kinds
        assert "100.64.0.1" not in str(guide), guide
        assert net["LAN_IP"] in all_values(guide)


@test
def carrier_grade_nat_with_ipv6_opens_over_ipv6_only():
    with Home("--wan", "cgnat", "--ipv6", "on") as net:
        report = net.diagnose()
        kinds = [s["kind"] for s in report["guide"]["steps"]]
        assert kinds[:2] == ["explain", "ipv6"], kinds
        share = f"[{net['LAN_IP6']}]:25565"
        assert share in all_values(report["guide"]), report["guide"]

        assert not net.reaches(25565, address=net["LAN_IP6"], family="ipv6")
        proc = net.portierctl("open", "25565/tcp", "--no-firewall", "--probe-server",
                              net.probe_url6(), status=0)
        assert f"Give your friends this address: {share}" in proc.stdout, proc.stdout
        assert "IPv6 too" in proc.stdout, proc.stdout
        opening = net.ledger()
        assert len(opening) == 1 and len(opening[0]["pinholes"]) == 1, opening
        # The test from the internet over IPv6, on its own.
        assert net.reaches(25565, address=net["LAN_IP6"], family="ipv6")
        assert not net.reaches(25565)   # and still no IPv4 way in

        net.portierctl("close", "--all", status=0)
        assert not net.reaches(25565, address=net["LAN_IP6"], family="ipv6")


@test
def ipv6_only_as_json():
    with Home("--wan", "cgnat", "--ipv6", "on") as net:
        doc = net.portierctl_json("open", "25565/tcp", "--no-firewall", "--probe-server",
                                  net.probe_url6())
        assert doc["status"] == "open" and doc["ipv6_only"] is True, doc
        assert doc["router"]["status"] == "ipv6-only", doc
        assert doc["router"]["wan"] == "cgnat", doc
        assert doc["verify"]["status"] in ("reachable", "open"), doc
        assert doc["share"] == f"[{net['LAN_IP6']}]:25565", doc
        net.portierctl("close", "--all", status=0)


@test
def ipv6_alone_that_does_not_get_through_leaves_nothing_open():
    # The first router of a double NAT lets no IPv6 in: the pinhole on the home router
    # is no way in, the test says so, and the pinhole is taken back.
    with Home("--wan", "double-nat", "--ipv6", "on") as net:
        doc = net.portierctl_json("open", "25565/tcp", "--no-firewall", "--probe-server",
                                  net.probe_url6(), status=1)
        assert doc["status"] == "failed" and doc["ipv6_only"] is False, doc
        assert net.ledger() == []
        out = net.run("rtr", "nft", "list", "ruleset").stdout
        assert net["LAN_IP6"] not in out, out


@test
def forward_left_at_the_old_address():
    with Home() as net:
        net.app()
        net.portierctl("open", "25565/tcp", "--no-firewall", "--no-verify", status=0)
        new = "192.168.1.20"
        net.run("lan", "ip", "addr", "flush", "dev", "eth0", "scope", "global")
        net.run("lan", "ip", "addr", "add", f"{new}/24", "dev", "eth0")
        net.run("lan", "ip", "route", "replace", "default", "via", net["ROUTER_LAN_IP"])

        report = net.diagnose()
        assert report["problems"][0] == "mapping-stale-address", report
        summary = report["findings"][0]["summary"]
        assert (f"old address ({net['LAN_IP']})" in summary and f"it now has {new}" in summary), \
            summary
        guide = report["guide"]
        assert guide["problem"] == "mapping-stale-address", guide
        _, fix = step_of(guide, "fix-forward")
        assert new in values(fix).values() and net["LAN_IP"] in fix["text"], fix
        # Another device's forward is never taken for a stale one.
        assert "mapping-other-host" not in report["codes"], report


@test
def nothing_to_guide_through():
    with Home() as net:
        net.app()
        net.portierctl("open", "25565/tcp", "--no-firewall", status=0)
        doc = net.portierctl_json("guide", "25565/tcp")
        assert doc["guide"] is None and doc["verdict"] == "reachable", doc
        text = net.portierctl("guide", "25565/tcp", status=0).stdout
        assert "needs no steps by hand" in text, text
        net.portierctl("close", "--all", status=0)


if __name__ == "__main__":
    sys.exit(main())
