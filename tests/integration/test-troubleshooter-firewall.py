#!/usr/bin/python3
# The host firewall inside the whole job: a home computer with an nftables drop policy,
# the real portier-helper behind the real polkitd, the real router and probe server.
#   - the troubleshooter names the firewall when it drops the port;
#   - `open` lets the port through the firewall and the router, and the internet gets in;
#   - when the router refuses after the firewall step, the firewall rule goes again;
#   - `close` leaves the firewall exactly as it was.
#
#   test-troubleshooter-firewall.py HELPER PORTIERCTL POLICY BUS_POLICY PROBE_SERVER
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from home import ComputerHome  # noqa: E402
from testbed import main, test  # noqa: E402

HELPER, PORTIERCTL, POLICY, BUS_POLICY, PROBE_SERVER = [os.path.abspath(a)
                                                         for a in sys.argv[1:6]]
del sys.argv[1:6]


class Home(ComputerHome):
    """The network, its probe server, an app, and the home computer with its firewall."""

    def __init__(self):
        super().__init__(HELPER, PORTIERCTL, POLICY, BUS_POLICY, PROBE_SERVER, app=True)


def table(mappings):
    return sorted((m["protocol"], m["external_port"], m["internal_client"]) for m in mappings)


@test
def host_firewall_drops_is_named_then_fixed():
    with Home() as home:
        net = home.net
        # The router forwards the port, but this computer's firewall drops it.
        home.json("open", "25565/tcp", "--no-firewall", "--no-verify")
        report, before = home.json("diagnose", "25565/tcp")
        problems = [f["code"] for f in report["findings"] if f["status"] == "problem"]
        assert report["verdict"] == "not-reachable", report
        assert problems[0] == "host-firewall-blocks", problems
        assert report["findings"][0]["fix"], report["findings"][0]

        # The whole job: firewall, router (already there), and the test from outside.
        doc, after_open = home.json("open", "25565/tcp")
        assert doc["firewall"]["status"] == "opened", doc
        assert doc["firewall"]["backend"] == "nftables", doc
        assert doc["router"]["status"] == "already-mapped", doc
        assert doc["verify"]["status"] in ("reachable", "open"), doc
        assert after_open != before

        report, _ = home.json("diagnose", "25565/tcp")
        codes = [f["code"] for f in report["findings"]]
        assert "host-firewall-open" in codes and report["verdict"] == "reachable", report

        closed, after_close = home.json("close", "--all")
        assert closed["errors"] == [], closed
        assert after_close == before, "the firewall must be exactly as it was"
        assert table(net.router_mappings()) == []


@test
def router_refusal_after_the_firewall_step_undoes_the_firewall():
    with Home() as home:
        net = home.net
        _, before = home.json("diagnose", "80/tcp")
        # The router refuses ports below 1024, after the firewall let the port in.
        answer = home.portierctl("open", "80/tcp", "--no-verify", "--json", status=1)
        doc = json.loads(answer["stdout"])
        assert doc["firewall"]["status"] == "opened", doc
        assert doc["router"]["status"] == "failed" and doc["router"]["error_code"] == 606, doc
        assert answer["ruleset"] == before, "the firewall rule must be gone again"
        assert not os.path.exists(os.path.join(home.state, "openings.json")) or \
            json.load(open(os.path.join(home.state, "openings.json")))["openings"] == []
        assert net.router_mappings() == []


if __name__ == "__main__":
    sys.exit(main())
