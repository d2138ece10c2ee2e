#!/usr/bin/python3
# The reachability self-test in the simulated home network: portier-probe-server on the
# internet side (wan), portierctl check on this computer (lan) behind the real router
# (miniupnpd, NAT, forward filter). Forwards are made the way any program makes them:
# with upnpc from lan. Needs root; skips without it. Prints TAP.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import subprocess
import tempfile
import time

from testbed import PYTHON, Network, main, test

PORTIERCTL = os.environ["PORTIERCTL"]
SERVER = os.environ["PROBE_SERVER_BINARY"]

# Short timeouts keep the suite quick: a probe that gets no answer ends after 1.5 s. All
# the tests come from one public address, more than the default limits allow a home.
CONFIG = """
[limits]
connect-timeout-ms=1500
read-timeout-ms=1000
requests-per-minute=600
request-burst=100
"""

# A program on this computer that already uses a port (TCP listening, UDP bound and
# silent), as a game server would.
APP = r"""
import socket, sys, time
port = int(sys.argv[1])
t = socket.socket(socket.AF_INET6); t.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); t.bind(("::", port)); t.listen(8)
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0); u.bind(("::", port))
print("ready", flush=True)
time.sleep(60)
"""


class Setup:
    """One home network with IPv6, a probe server on the internet, a router that drops
    what nobody forwarded (as most do: without it, the router itself answers with a
    reset)."""

    def __init__(self):
        self.net = Network("--ipv6", "on")
        self.server = None
        self.config = None

    def __enter__(self):
        self.net.__enter__()
        try:
            self.start_server()
            self.net.run("rtr", "nft", "-f", "-", input="""
table inet stealth {
  chain input {
    type filter hook input priority filter; policy accept;
    iifname "wan0" ct state new drop
  }
}
""")
        except BaseException:
            self.net.__exit__(None, None, None)
            raise
        return self

    def start_server(self):
        if self.config is None:
            self.config = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
            self.config.write(CONFIG)
            self.config.close()
        self.server = self.net.popen(
            "wan", SERVER, "--listen", f"{self.net['PROBE_IP']}:8080",
            "--listen", f"[{self.net['PROBE_IP6']}]:8080", "--config", self.config.name,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2):
            line = self.server.stdout.readline()
            assert "listening on" in line, (line, self.server.stderr.read())

    def stop_server(self):
        self.server.terminate()
        self.server.wait(10)

    def __exit__(self, *exc):
        if self.server is not None and self.server.poll() is None:
            self.stop_server()
        os.unlink(self.config.name)
        return self.net.__exit__(*exc)

    def url(self, family=4):
        if family == 6:
            return f"http://[{self.net['PROBE_IP6']}]:8080/"
        return f"http://{self.net['PROBE_IP']}:8080/"

    def check(self, spec, family=4, *extra, status=None):
        proc = self.net.run("lan", PORTIERCTL, "check", spec, "--probe-server",
                            self.url(family), "--json", *extra, check=False, timeout=60)
        assert proc.returncode in (0, 1), (proc.returncode, proc.stderr)
        if status is not None:
            assert proc.returncode == status, (proc.returncode, proc.stdout, proc.stderr)
        assert "WARNING" not in proc.stderr and "CRITICAL" not in proc.stderr, proc.stderr
        return json.loads(proc.stdout)

    def forward(self, port, protocol, to="LAN_IP"):
        self.net.upnpc("-a", self.net[to], str(port), str(port), protocol.upper())

    def pinhole(self, port, protocol):
        self.net.run("lan", "upnpc", "-u", self.net["ROUTER_URL6"], "-6", "-A", "", "0",
                     self.net["LAN_IP6"], str(port), protocol.upper(), "3600")


def probe(doc, port, protocol, family):
    for p in doc["probes"]:
        if (p["port"], p["protocol"], p["family"]) == (port, protocol, family):
            return p
    raise AssertionError(f"no probe {port}/{protocol} {family} in {doc}")


SETUP = None


def setup():
    return SETUP


@test
def forwarded_tcp_is_reachable():
    s = setup()
    s.forward(41001, "tcp")
    doc = s.check("41001/tcp", status=0)
    assert doc["port"] == {"first": 41001, "last": 41001, "protocol": "tcp"}, doc
    assert doc["ipv4"]["result"] == "reachable", doc
    # The server saw the router's public address, and went through the forward to the
    # temporary listener of this computer.
    assert doc["ipv4"]["address"] == s.net["PUBLIC_IP"], doc
    assert probe(doc, 41001, "tcp", "ipv4")["listened"] is True
    assert doc["ipv6"]["result"] == "skipped", doc
    assert doc["reachable"] is True


@test
def forwarded_udp_is_reachable():
    s = setup()
    s.forward(41002, "udp")
    doc = s.check("41002/udp", status=0)
    assert doc["ipv4"]["result"] == "reachable", doc


@test
def no_forward_is_timeout():
    s = setup()
    started = time.monotonic()
    doc = s.check("41003/both", status=1)
    assert probe(doc, 41003, "tcp", "ipv4")["result"] == "timeout", doc
    assert probe(doc, 41003, "udp", "ipv4")["result"] == "timeout", doc
    assert doc["reachable"] is False
    assert time.monotonic() - started < 10


@test
def host_firewall_drop_is_timeout():
    s = setup()
    s.forward(41004, "tcp")
    s.forward(41004, "udp")
    s.net.run("lan", "nft", "-f", "-", input="""
table inet hostfw {
  chain input {
    type filter hook input priority filter; policy accept;
    tcp dport 41004 drop
    udp dport 41004 drop
  }
}
""")
    try:
        doc = s.check("41004/both", status=1)
        assert probe(doc, 41004, "tcp", "ipv4")["result"] == "timeout", doc
        assert probe(doc, 41004, "udp", "ipv4")["result"] == "timeout", doc
    finally:
        s.net.run("lan", "nft", "delete", "table", "inet", "hostfw")
    # The same forward works once the firewall lets it in.
    assert s.check("41004/tcp", status=0)["ipv4"]["result"] == "reachable"


@test
def reset_is_refused():
    # Forwarded to the other computer, where nothing listens: it answers with a reset
    # (TCP) and “port unreachable” (UDP).
    s = setup()
    s.forward(41005, "tcp", to="LAN2_IP")
    s.forward(41005, "udp", to="LAN2_IP")
    doc = s.check("41005/both", status=1)
    assert probe(doc, 41005, "tcp", "ipv4")["result"] == "refused", doc
    assert probe(doc, 41005, "udp", "ipv4")["result"] == "refused", doc


@test
def app_already_listening_is_open():
    s = setup()
    s.forward(41006, "tcp")
    s.forward(41006, "udp")
    app = s.net.popen("lan", PYTHON, "-u", "-c", APP, "41006", stdout=subprocess.PIPE,
                      text=True)
    try:
        assert app.stdout.readline().strip() == "ready"
        doc = s.check("41006/both")
        tcp = probe(doc, 41006, "tcp", "ipv4")
        assert (tcp["result"], tcp["listened"], tcp["reason"]) == ("open", False, None), doc
        # The app does not answer the test's datagram: nobody can tell.
        udp = probe(doc, 41006, "udp", "ipv4")
        assert (udp["result"], udp["reason"]) == ("unverifiable", "app-silent"), doc
    finally:
        app.kill()
        app.wait()


@test
def another_device_answering_is_not_this_computer():
    s = setup()
    s.forward(41007, "tcp", to="LAN2_IP")
    with s.net.listener("lan2", 41007, "tcp"):
        doc = s.check("41007/tcp", status=1)
    tcp = probe(doc, 41007, "tcp", "ipv4")
    assert (tcp["result"], tcp["reason"]) == ("open", "other-device"), doc


@test
def ipv6_path():
    s = setup()
    # IPv6 has no NAT: this computer's own address, and only a pinhole lets it in.
    s.pinhole(41008, "tcp")
    s.pinhole(41008, "udp")
    doc = s.check("41008/both", 6, status=0)
    assert doc["ipv6"]["result"] == "reachable", doc
    assert doc["ipv6"]["address"] == s.net["LAN_IP6"], doc
    assert probe(doc, 41008, "udp", "ipv6")["result"] == "reachable", doc
    assert doc["ipv4"]["result"] == "skipped", doc

    doc = s.check("41009/tcp", 6, status=1)
    assert doc["ipv6"]["result"] == "timeout", doc


@test
def no_ipv6_route_is_not_tested():
    # This computer without an IPv6 way out: IPv6 is not tested, and says why.
    s = setup()
    route = s.net.run("lan", "ip", "-6", "route", "show", "default").stdout.split()
    assert route, "the lan node has no IPv6 default route"
    s.net.run("lan", "ip", "-6", "route", "del", "default")
    try:
        doc = s.check("41011/tcp", 6, status=1)
        assert doc["ipv6"]["result"] == "skipped", doc
        assert doc["ipv6"]["reason"] == "no-ipv6-connection", doc
    finally:
        s.net.run("lan", "ip", "-6", "route", "add", *route)


@test
def probe_server_down_is_unavailable_within_the_bound():
    s = setup()
    s.stop_server()
    try:
        started = time.monotonic()
        doc = s.check("41010/tcp", status=1)
        assert doc["ipv4"]["result"] == "unavailable", doc
        assert doc["ipv4"]["reason"] == "connection-failed", doc
        assert time.monotonic() - started < 5

        # A server host that drops everything: the bound (here 2 s) ends the wait.
        s.net.run("wan", "nft", "-f", "-", input="""
table inet blackhole {
  chain input {
    type filter hook input priority filter; policy accept;
    tcp dport 8080 drop
  }
}
""")
        started = time.monotonic()
        doc = s.check("41010/tcp", 4, "--timeout", "2", status=1)
        elapsed = time.monotonic() - started
        assert doc["ipv4"]["result"] == "unavailable", doc
        assert doc["ipv4"]["reason"] == "timeout", doc
        assert 1.8 < elapsed < 5, elapsed
    finally:
        s.net.run("wan", "nft", "delete", "table", "inet", "blackhole", check=False)
        s.start_server()
    assert s.check("41001/tcp", status=0)["ipv4"]["result"] == "reachable"


if __name__ == "__main__":
    import sys

    if os.geteuid() != 0:
        sys.exit(main())
    with Setup() as SETUP:
        sys.exit(main())
