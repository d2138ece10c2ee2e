#!/usr/bin/python3
# The reachability self-test in the simulated home network: portier-probe-server on the
# internet side (wan), portierctl check on this computer (lan) behind the real router
# (miniupnpd, NAT, forward filter). Forwards are made the way any program makes them:
# with upnpc from lan. Then the server alone against many clients: two network namespaces
# joined by a veth pair, one client host with many addresses of one IPv6 /64. Needs root;
# skips without it. Prints TAP.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import subprocess
import tempfile
import textwrap
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


# ---------------------------------------------------------------------------------------
# The server against many clients: namespace "srv" (the probe server) and "cli" (the
# clients), a veth pair between them. Nothing else is connected to either.

SRV6 = "2001:db8:16::1"
OTHER6 = "2001:db8:17::1"      # a second /64 on the same link
SRV4 = "10.16.0.1"
CLI4 = "10.16.0.2"
OWN4 = "10.16.9.9"             # another address of the server's host (on lo)
N_ADDRESSES = 64               # client addresses in 2001:db8:16::/64


def client_address(i):
    return f"2001:db8:16::{0x100 + i:x}"


# Runs in cli: opens one connection from each source address given, waits, and tells
# which ones the server still holds open and which it closed.
HOLD = textwrap.dedent(r"""
    import json, socket, sys, time
    server, port = sys.argv[1], int(sys.argv[2])
    socks = []
    for source in sys.argv[3:]:
        family = socket.AF_INET6 if ":" in source else socket.AF_INET
        s = socket.socket(family)
        s.bind((source, 0))
        s.connect((server, port))
        socks.append((source, s))
        time.sleep(0.01)
    time.sleep(1.0)
    held = []
    for source, s in socks:
        s.setblocking(False)
        try:
            held.append(s.recv(1) != b"" and source)
        except BlockingIOError:
            held.append(source)
        except ConnectionResetError:
            pass
    print(json.dumps([h for h in held if h]), flush=True)
    sys.stdin.read()
""")

# Runs in cli: one request from a source address; prints status and body.
REQUEST = textwrap.dedent(r"""
    import http.client, json, sys
    server, port, source, method, path, body = sys.argv[1:7]
    headers = json.loads(sys.argv[7]) if len(sys.argv) > 7 else {}
    c = http.client.HTTPConnection(server, int(port), timeout=20, source_address=(source, 0))
    c.request(method, path, body=body or None, headers=headers)
    r = c.getresponse()
    print(json.dumps({"status": r.status, "body": json.loads(r.read())}))
""")

# Runs in cli: a listener on every address, answering a probe with the token, or silent.
PEER = textwrap.dedent(r"""
    import socket, sys, threading
    port, mode, token = int(sys.argv[1]), sys.argv[2], sys.argv[3].encode()
    s = socket.socket(socket.AF_INET6)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::", port))
    s.listen(64)
    print("ready", flush=True)
    held = []
    while True:
        c, _ = s.accept()
        if mode == "token":
            c.sendall(token + b"\n")
            c.close()
        else:
            held.append(c)
""")


class Hosts:
    """The server's namespace and the clients', joined by a veth pair."""

    def __init__(self):
        self.srv = f"pp{os.getpid()}s"
        self.cli = f"pp{os.getpid()}c"
        self.procs = []
        self.configs = []

    def ip(self, *args):
        subprocess.run(["ip", *args], check=True, capture_output=True, timeout=30)

    def __enter__(self):
        try:
            for ns in (self.srv, self.cli):
                self.ip("netns", "add", ns)
                self.ip("-n", ns, "link", "set", "lo", "up")
                for key in ("net.ipv6.conf.all.accept_dad", "net.ipv6.conf.default.accept_dad"):
                    subprocess.run(["ip", "netns", "exec", ns, "sysctl", "-qw", f"{key}=0"],
                                   check=True, timeout=30)
            self.ip("-n", self.srv, "link", "add", "v0", "type", "veth", "peer", "name", "v1",
                    "netns", self.cli)
            self.ip("-n", self.srv, "addr", "add", f"{OWN4}/32", "dev", "lo")
            self.ip("-n", self.srv, "addr", "add", f"{SRV4}/24", "dev", "v0")
            self.ip("-n", self.srv, "addr", "add", f"{SRV6}/64", "dev", "v0", "nodad")
            self.ip("-n", self.srv, "addr", "add", f"{OTHER6}/64", "dev", "v0", "nodad")
            self.ip("-n", self.cli, "addr", "add", f"{CLI4}/24", "dev", "v1")
            for i in range(N_ADDRESSES):
                self.ip("-n", self.cli, "addr", "add", f"{client_address(i)}/64", "dev", "v1",
                        "nodad")
            self.ip("-n", self.cli, "addr", "add", "2001:db8:17::100/64", "dev", "v1",
                    "nodad")
            for ns, dev in ((self.srv, "v0"), (self.cli, "v1")):
                self.ip("-n", ns, "link", "set", dev, "up")
            # Both ends of the link are up before the first packet.
            deadline = time.monotonic() + 10
            while not all("state UP" in subprocess.run(
                    ["ip", "-n", ns, "-o", "link", "show", dev], capture_output=True,
                    text=True, timeout=30).stdout
                    for ns, dev in ((self.srv, "v0"), (self.cli, "v1"))):
                assert time.monotonic() < deadline, "the veth link did not come up"
                time.sleep(0.05)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc):
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait(10)
        for path in self.configs:
            os.unlink(path)
        for ns in (self.srv, self.cli):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=30)
        return False

    def run_cli(self, argv, **kwargs):
        return subprocess.run(["ip", "netns", "exec", self.cli, *argv], check=True,
                              capture_output=True, text=True, timeout=60, **kwargs)

    def popen(self, ns, argv, **kwargs):
        proc = subprocess.Popen(["ip", "netns", "exec", ns, *argv], **kwargs)
        self.procs.append(proc)
        return proc

    def server(self, config, port=8080):
        """A probe server in srv on SRV4 and SRV6 (and OTHER6), as shipped but for config."""
        with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as f:
            f.write(config)
        self.configs.append(f.name)
        env = {k: v for k, v in os.environ.items() if k != "PORTIER_PROBE_TEST_LOCAL_TARGETS"}
        proc = self.popen(self.srv, [SERVER, "--listen", f"{SRV4}:{port}", "--listen",
                                     f"[::]:{port}", "--config", f.name],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for _ in range(2):
            line = proc.stdout.readline()
            assert "listening on" in line, (line, proc.stderr.read())
        return proc

    def stop(self, proc):
        proc.terminate()
        _, stderr = proc.communicate(timeout=30)
        assert proc.returncode == 0, (proc.returncode, stderr)
        return stderr

    def request(self, source, method, path, body="", headers=None, server=None, port=8080,
                ns=None):
        server = server or (SRV6 if ":" in source else SRV4)
        argv = [PYTHON, "-c", REQUEST, server, str(port), source, method, path, body,
                json.dumps(headers or {})]
        proc = subprocess.run(["ip", "netns", "exec", ns or self.cli, *argv],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        doc = json.loads(proc.stdout)
        return doc["status"], doc["body"]

    def probe(self, source, port, token=None, headers=None, **kwargs):
        body = json.dumps({"port": port, "protocol": "tcp",
                           "token": token or "ab" * 16})
        return self.request(source, "POST", "/v1/probe", body,
                            dict({"Content-Type": "application/json"}, **(headers or {})),
                            **kwargs)

    def peer(self, port, mode, token="ab" * 16):
        proc = self.popen(self.cli, [PYTHON, "-u", "-c", PEER, str(port), mode, token],
                          stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        return proc


@test
def one_ipv6_network_holds_no_more_than_one_client():
    # 64 addresses of one /64 each open a connection: together they are one client, and
    # get what one address would (4 here). A host in the next /64 still gets in.
    with Hosts() as hosts:
        server = hosts.server("[limits]\nmax-connections-per-address=4\n"
                              "request-timeout-ms=10000\n")
        sources = [client_address(i) for i in range(N_ADDRESSES)] + ["2001:db8:17::100"]
        holder = hosts.popen(hosts.cli, [PYTHON, "-u", "-c", HOLD, SRV6, "8080", *sources],
                             stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
        held = json.loads(holder.stdout.readline())
        holder.stdin.close()
        holder.wait(30)
        assert len([h for h in held if h.startswith("2001:db8:16:")]) == 4, held
        assert "2001:db8:17::100" in held, held
        hosts.stop(server)


@test
def one_ipv6_network_runs_no_more_probes_than_one_client():
    with Hosts() as hosts:
        server = hosts.server("[limits]\nmax-pending-probes-per-address=2\n"
                              "connect-timeout-ms=1500\nread-timeout-ms=1500\n")
        hosts.peer(41100, "silent")
        results = []
        procs = [subprocess.Popen(["ip", "netns", "exec", hosts.cli, PYTHON, "-c", REQUEST,
                                   SRV6, "8080", client_address(i), "POST", "/v1/probe",
                                   json.dumps({"port": 41100, "protocol": "tcp",
                                               "token": "ab" * 16})],
                                  stdout=subprocess.PIPE, text=True)
                 for i in range(6)]
        for proc in procs:
            out, _ = proc.communicate(timeout=60)
            results.append(json.loads(out))
        statuses = sorted(r["status"] for r in results)
        assert statuses == [200, 200, 429, 429, 429, 429], results
        assert {r["body"].get("error") for r in results if r["status"] == 429} == \
            {"too-many-at-once"}, results
        hosts.stop(server)


@test
def private_targets_only_when_allowed():
    with Hosts() as hosts:
        hosts.peer(41101, "token")
        server = hosts.server("[limits]\nconnect-timeout-ms=1500\n")
        status, doc = hosts.probe(CLI4, 41101)
        assert (status, doc["error"], doc["reason"]) == (403, "target-refused", "private"), doc
        # A documentation (test) address is no private one: tested as any other.
        status, doc = hosts.probe(client_address(0), 41101)
        assert (status, doc["result"]) == (200, "reachable"), doc
        hosts.stop(server)

        server = hosts.server("[server]\nallow-private-targets=true\n"
                              "[limits]\nconnect-timeout-ms=1500\n")
        status, doc = hosts.probe(CLI4, 41101)
        assert (status, doc["result"], doc["address"]) == (200, "reachable", CLI4), doc
        hosts.stop(server)


@test
def the_servers_own_addresses_are_never_tested():
    # Even where private targets are allowed: not the host's own addresses, whichever
    # interface holds them, and not a subnet's broadcast address.
    with Hosts() as hosts:
        server = hosts.server(f"[server]\nallow-private-targets=true\n"
                              f"trusted-proxies={CLI4}\n[limits]\nconnect-timeout-ms=1500\n")
        for source in (SRV4, SRV6):
            status, doc = hosts.probe(source, 8080, ns=hosts.srv)
            assert (status, doc["error"], doc["reason"]) == \
                (403, "target-refused", "server-address"), (source, doc)
        for named, reason in ((OWN4, "server-address"), (SRV4, "server-address"),
                              ("10.16.0.255", "broadcast"), ("127.0.0.1", "loopback")):
            status, doc = hosts.probe(CLI4, 8080, headers={"X-Forwarded-For": named})
            assert (status, doc.get("reason")) == (403, reason), (named, doc)
        # The proxy itself is never the client.
        status, doc = hosts.probe(CLI4, 8080, headers={"X-Forwarded-For": CLI4})
        assert (status, doc["error"]) == (403, "proxy-as-client"), doc
        hosts.stop(server)


if __name__ == "__main__":
    import sys

    if os.geteuid() != 0:
        sys.exit(main())
    with Setup() as SETUP:
        sys.exit(main())
