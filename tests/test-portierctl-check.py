#!/usr/bin/python3
# portierctl check: its contract (JSON shape, exit codes, where the server comes from)
# against a real portier-probe-server on loopback. Prints TAP.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import contextlib
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time

import tap
from probeserver import ProbeServer

PORTIERCTL = sys.argv[1]
SERVER = sys.argv[2]
TESTS = []


def test(function):
    TESTS.append(function)
    return function


def run(*args, status=None, env=None):
    full_env = dict(os.environ, LC_ALL="C.UTF-8")
    full_env.pop("PORTIER_PROBE_SERVER", None)
    full_env.update(env or {})
    proc = subprocess.run([PORTIERCTL, *args], capture_output=True, text=True, env=full_env,
                          timeout=60)
    for stream in (proc.stdout, proc.stderr):
        assert "CRITICAL" not in stream and "WARNING" not in stream, stream
    if status is not None:
        assert proc.returncode == status, (args, proc.returncode, proc.stdout, proc.stderr)
    return proc


def free_port():
    while True:
        tcp = socket.socket(socket.AF_INET6)
        tcp.bind(("::", 0))
        port = tcp.getsockname()[1]
        udp = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        try:
            udp.bind(("::", port))
            return port
        except OSError:
            continue
        finally:
            tcp.close()
            udp.close()


@test
def json_shape():
    with ProbeServer(SERVER, listen=("127.0.0.1:0",)) as server:
        port = free_port()
        doc = json.loads(run("check", f"{port}/both", "--probe-server", server.url(), "--json",
                             status=0).stdout)
        # The shape of the design, fields added but none renamed.
        assert doc["port"] == {"first": port, "last": port, "protocol": "both"}, doc
        for family in ("ipv4", "ipv6"):
            for key in ("result", "address", "elapsed_ms"):
                assert key in doc[family], (family, key, doc)
        assert doc["ipv4"] == {"result": "reachable", "address": "127.0.0.1",
                               "elapsed_ms": doc["ipv4"]["elapsed_ms"], "reason": None,
                               "summary": doc["ipv4"]["summary"]}, doc
        assert doc["ipv6"]["result"] == "skipped", doc
        assert doc["reachable"] is True and doc["server"] == server.url()
        assert len(doc["probes"]) == 4
        assert {(p["protocol"], p["family"]) for p in doc["probes"]} == {
            ("tcp", "ipv4"), ("udp", "ipv4"), ("tcp", "ipv6"), ("udp", "ipv6")}
        for p in doc["probes"]:
            assert p["listened"] is True and p["summary"], p


@test
def ipv6_server():
    with ProbeServer(SERVER, listen=("[::1]:0",)) as server:
        port = free_port()
        doc = json.loads(run("check", str(port), "--probe-server", server.url(6), "--json",
                             status=0).stdout)
        assert doc["ipv6"]["result"] == "reachable" and doc["ipv6"]["address"] == "::1", doc
        assert doc["ipv4"]["result"] == "skipped", doc


@test
def refused_exits_1():
    with ProbeServer(SERVER) as server:
        sock = socket.socket(socket.AF_INET6)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(("::", 0))
        try:
            port = sock.getsockname()[1]
            proc = run("check", str(port), "--probe-server", server.url(), "--json", status=1)
            doc = json.loads(proc.stdout)
            assert doc["ipv4"]["result"] == "refused" and doc["reachable"] is False, doc
            out = run("check", str(port), "--probe-server", server.url(), status=1).stdout
            assert "nothing accepted the connection" in out, out
        finally:
            sock.close()


@test
def human_output():
    with ProbeServer(SERVER) as server:
        port = free_port()
        out = run("check", str(port), "--probe-server", server.url(), status=0).stdout
        assert f"{port}/tcp over IPv4 (seen from the internet as 127.0.0.1): Reachable" in out, out
        assert f"{port}/tcp over IPv6: Not tested" in out, out


@test
def server_from_the_environment():
    with ProbeServer(SERVER) as server:
        port = free_port()
        doc = json.loads(run("check", str(port), "--json", status=0,
                             env={"PORTIER_PROBE_SERVER": server.url()}).stdout)
        assert doc["server"] == server.url(), doc
        # The option beats the variable.
        proc = run("check", str(port), "--json", "--probe-server", server.url(), status=0,
                   env={"PORTIER_PROBE_SERVER": "http://127.0.0.1:1/"})
        assert json.loads(proc.stdout)["server"] == server.url()


@test
def server_down_is_unavailable():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    try:
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
        proc = run("check", "45111", "--probe-server", url, "--json", status=1)
        doc = json.loads(proc.stdout)
        assert doc["ipv4"]["result"] == "unavailable", doc
        assert doc["ipv4"]["summary"] == (
            "The test from the internet could not be run: the test server did not answer."), doc
    finally:
        sock.close()


@test
def app_id_checks_its_ports():
    with ProbeServer(SERVER, "[limits]\nrequest-burst=50\n") as server:
        proc = run("check", "minecraft-java", "--probe-server", server.url(), "--json")
        doc = json.loads(proc.stdout)
        assert doc["app"] == "minecraft-java", doc
        assert doc["port"] == {"first": 25565, "last": 25565, "protocol": "tcp"}, doc
        assert {p["port"] for p in doc["probes"]} == {25565}, doc


@test
def transmission_style_server():
    with ProbeServer(SERVER) as server:
        port = free_port()
        doc = json.loads(run("check", f"{port}/both", "--probe-server",
                             "transmission+" + server.url(), "--json", status=0).stdout)
        assert doc["ipv4"]["result"] == "reachable", doc
        udp = [p for p in doc["probes"] if p["protocol"] == "udp" and p["family"] == "ipv4"]
        assert udp[0]["result"] == "skipped" and udp[0]["reason"] == "udp-not-supported", doc


def assert_test_not_run(doc, reason, summary):
    """The test could not be run: never a verdict of not reachable, and a sentence that
    says why instead of “did not answer”."""
    assert doc["reachable"] is False, doc
    assert doc["ipv4"]["result"] == "unavailable", doc
    assert doc["ipv4"]["reason"] == reason, doc
    assert summary in doc["ipv4"]["summary"], doc
    assert "did not answer" not in doc["ipv4"]["summary"], doc
    for p in doc["probes"]:
        assert p["result"] in ("unavailable", "skipped"), p


@test
def a_server_that_never_tests_its_own_host():
    # As shipped: the client on loopback is the server's own host, never tested.
    with ProbeServer(SERVER, local_targets=False) as server:
        port = free_port()
        proc = run("check", f"{port}/both", "--probe-server", server.url(), "--json",
                   status=1)
        assert_test_not_run(json.loads(proc.stdout), "target-loopback",
                            "cannot tell which internet address the request came from")
        out = run("check", str(port), "--probe-server", server.url(), status=1).stdout
        assert "could not be run" in out and "did not answer" not in out, out


class ForwardingProxy(http.server.BaseHTTPRequestHandler):
    """A reverse proxy in front of the real server, as nginx or Caddy would be, that says
    the request came from `forwarded_for`."""
    target = None
    forwarded_for = None

    def forward(self, method):
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length) if length else None
        headers = {"X-Forwarded-For": self.forwarded_for}
        if body is not None:
            headers["Content-Type"] = self.headers.get("Content-Type", "application/json")
        status, answer_headers, answer = self.target.request(method, self.path, body, headers)
        self.send_response(status)
        self.send_header("Content-Type", answer_headers.get("Content-Type", "text/plain"))
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def do_GET(self):
        self.forward("GET")

    def do_POST(self):
        self.forward("POST")

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serving(handler, server_class=http.server.HTTPServer):
    """@handler on a port of loopback, for as long as the context lasts: its URL."""
    httpd = server_class(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def check_through_proxy(server, forwarded_for, port):
    ForwardingProxy.target = server
    ForwardingProxy.forwarded_for = forwarded_for
    with serving(ForwardingProxy, http.server.ThreadingHTTPServer) as url:
        return json.loads(run("check", str(port), "--probe-server", url, "--json",
                              status=1).stdout)


@test
def a_server_that_sees_a_private_address():
    # The server behind its proxy sees this computer as a private address: it is inside
    # the same private network, or the way to it is.
    with ProbeServer(SERVER, "[server]\ntrusted-proxies=127.0.0.1\n",
                     local_targets=False) as server:
        doc = check_through_proxy(server, "192.168.1.20", free_port())
        assert_test_not_run(doc, "target-private", "inside a private network")


@test
def a_server_whose_proxy_names_itself():
    with ProbeServer(SERVER, "[server]\ntrusted-proxies=127.0.0.1\n",
                     local_targets=False) as server:
        doc = check_through_proxy(server, "127.0.0.1", free_port())
        assert_test_not_run(doc, "proxy-as-client",
                            "cannot tell which internet address the request came from")


@test
def a_busy_server():
    with ProbeServer(SERVER, "[limits]\nmax-pending-probes=1\nread-timeout-ms=4000\n") \
            as server:
        silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        silent.bind(("127.0.0.1", 0))
        try:
            # An app that never answers holds the server's only place for a while.
            holder = subprocess.Popen(
                [PORTIERCTL, "check", f"{silent.getsockname()[1]}/udp", "--probe-server",
                 server.url(), "--json"], stdout=subprocess.PIPE, text=True,
                env=dict(os.environ, LC_ALL="C.UTF-8"))
            time.sleep(1)
            proc = run("check", str(free_port()), "--probe-server", server.url(), "--json",
                       status=1)
            assert_test_not_run(json.loads(proc.stdout), "busy", "Wait a minute")
            holder.communicate(timeout=30)
        finally:
            silent.close()


class BadServer(http.server.BaseHTTPRequestHandler):
    """A test server gone wrong, which the real one never is: it answers every probe
    with the body it is given. (The real server cannot be made to misbehave, so this
    one stands in for a broken or hostile one.)"""
    body = b""

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@test
def a_misbehaving_server_is_unavailable():
    answers = [b"x" * 1_000_000, b"{not json", b"[1, 2]", b'{"result": "maybe"}',
               b'{"result": 5}', b'{"result": "reachable", "address": ["x"], "elapsed_ms": "s"}']
    for body in answers:
        BadServer.body = body
        with serving(BadServer) as url:
            proc = run("check", str(free_port()), "--probe-server", url, "--json")
            doc = json.loads(proc.stdout)
            if body.startswith(b'{"result": "reachable"'):
                # Wrong types are left out, the verdict stands.
                assert doc["ipv4"]["result"] == "reachable", doc
                assert doc["ipv4"]["address"] is None and doc["ipv4"]["elapsed_ms"] == 0, doc
            else:
                assert proc.returncode == 1, proc
                assert doc["ipv4"]["result"] == "unavailable", (body[:20], doc)


@test
def bad_input_exits_2():
    for args in (["check"], ["check", "1", "2"], ["check", "0"], ["check", "nope-nope"],
                 ["check", "80", "--probe-server", "ftp://example.org/"],
                 ["check", "80", "--probe-server", "example.org"],
                 ["check", "80", "--timeout", "-1"], ["check", "80", "--timeout", "601"],
                 ["check", "80", "--bogus"]):
        proc = run(*args, status=2)
        assert proc.stderr.startswith("portierctl: "), (args, proc.stderr)
        assert proc.stdout == "", (args, proc.stdout)
    proc = run("check", "80", env={"PORTIER_PROBE_SERVER": "not a url"}, status=2)
    assert "not the address of a test server" in proc.stderr, proc.stderr
    assert "check" in run("--help", status=0).stdout
    assert "--probe-server" in run("check", "--help", status=0).stdout


if __name__ == "__main__":
    sys.exit(tap.run(TESTS))
