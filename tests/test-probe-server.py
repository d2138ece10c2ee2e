#!/usr/bin/python3
# portier-probe-server on loopback: the API, the verdicts, and every limit. A real server
# against real sockets; nothing leaves this machine. Prints TAP.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import socket
import subprocess
import sys
import tempfile
import threading
import time

import tap
from probeserver import Peer, ProbeServer, closed_port, new_token, unused_udp_port

SERVER = sys.argv[1]
TESTS = []

# Short timeouts keep the suite fast; the defaults are tested in test-probe-request.
FAST = """
[limits]
connect-timeout-ms=800
read-timeout-ms=600
request-timeout-ms=1500
"""


def test(function):
    TESTS.append(function)
    return function


def probe(server, port, protocol="tcp", token=None, headers=None, family=4):
    body = json.dumps({"port": port, "protocol": protocol, "token": token or new_token()})
    status, _, data = server.request("POST", "/v1/probe", body,
                                     dict({"Content-Type": "application/json"},
                                          **(headers or {})), family=family)
    return status, json.loads(data)


@test
def tcp_verdicts():
    with ProbeServer(SERVER, FAST) as server:
        token = new_token()
        with Peer("token", token) as peer:
            status, doc = probe(server, peer.port, "tcp", token)
            assert status == 200, doc
            assert doc["result"] == "reachable", doc
            assert doc["address"] == "127.0.0.1" and doc["family"] == "ipv4", doc
            assert doc["port"] == peer.port and doc["protocol"] == "tcp", doc
            assert isinstance(doc["elapsed_ms"], int) and doc["elapsed_ms"] >= 0, doc
            assert peer.hits == 1
            # Someone else's token is not proof.
            status, doc = probe(server, peer.port, "tcp", new_token())
            assert doc["result"] == "open", doc

        with Peer("other") as peer:
            assert probe(server, peer.port)[1]["result"] == "open"
        with Peer("close") as peer:
            status, doc = probe(server, peer.port)
            assert (doc["result"], doc["detail"]) == ("open", "closed"), doc
        with Peer("silent") as peer:
            started = time.monotonic()
            status, doc = probe(server, peer.port)
            assert (doc["result"], doc["detail"]) == ("open", "silent"), doc
            assert 0.5 < time.monotonic() - started < 5

        sock = closed_port()
        try:
            assert probe(server, sock.getsockname()[1])[1]["result"] == "refused"
        finally:
            sock.close()


@test
def tcp_timeout_when_nothing_answers():
    # A listener with a full backlog that never accepts: the SYN goes unanswered.
    with ProbeServer(SERVER, FAST) as server:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(0)
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(sock.getsockname())
        time.sleep(0.2)
        try:
            started = time.monotonic()
            status, doc = probe(server, sock.getsockname()[1])
            elapsed = time.monotonic() - started
            assert status == 200 and doc["result"] == "timeout", doc
            assert 0.6 < elapsed < 5, elapsed
        finally:
            filler.close()
            sock.close()


@test
def udp_verdicts():
    with ProbeServer(SERVER, FAST) as server:
        token = new_token()
        with Peer("echo", token) as peer:
            status, doc = probe(server, peer.port, "udp", token)
            assert status == 200 and doc["result"] == "reachable", doc
            assert doc["protocol"] == "udp"
        with Peer("udp-other") as peer:
            assert probe(server, peer.port, "udp")[1]["result"] == "open"
        with Peer("udp-silent") as peer:
            status, doc = probe(server, peer.port, "udp")
            assert doc["result"] == "timeout", doc
            # It tried more than once: a lost datagram is no verdict.
            assert peer.hits >= 2, peer.hits
        assert probe(server, unused_udp_port(), "udp")[1]["result"] == "refused"


@test
def ipv6():
    with ProbeServer(SERVER, FAST, listen=("[::1]:0",)) as server:
        token = new_token()
        with Peer("token", token, family=socket.AF_INET6) as peer:
            status, doc = probe(server, peer.port, "tcp", token, family=6)
            assert doc["result"] == "reachable" and doc["address"] == "::1", doc
            assert doc["family"] == "ipv6", doc
        with Peer("echo", token, family=socket.AF_INET6) as peer:
            status, doc = probe(server, peer.port, "udp", token, family=6)
            assert doc["result"] == "reachable", doc
        status, _, data = server.request("GET", "/v1/ip", family=6)
        assert json.loads(data) == {"address": "::1", "family": "ipv6"}


@test
def ip_and_index():
    with ProbeServer(SERVER, FAST) as server:
        status, headers, data = server.request("GET", "/v1/ip")
        assert status == 200 and headers["Content-Type"] == "application/json"
        assert json.loads(data) == {"address": "127.0.0.1", "family": "ipv4"}
        status, _, data = server.request("GET", "/")
        assert status == 200 and json.loads(data)["service"] == "portier-probe-server"
        assert "Server" not in headers


@test
def transmission_compatible_endpoint():
    with ProbeServer(SERVER, FAST) as server:
        with Peer("silent") as peer:
            status, headers, data = server.request("GET", f"/{peer.port}")
            # As Transmission's port check: text, “1” when it could connect.
            assert (status, data) == (200, b"1"), (status, data)
            assert headers["Content-Type"].startswith("text/plain")
        sock = closed_port()
        try:
            status, _, data = server.request("GET", f"/{sock.getsockname()[1]}")
            assert (status, data) == (200, b"0"), (status, data)
        finally:
            sock.close()
        for path in ("/0", "/65536", "/99999", "/12a", "/-1", "/1/2", "/+80", "/%2080"):
            status, _, data = server.request("GET", path)
            assert status == 404, (path, status)
            assert json.loads(data)["error"] == "not-found"
        status, headers, _ = server.request("POST", "/8080", "")
        assert status == 405 and headers["Allow"] == "GET"


BAD_BODIES = [
    (b"{bad", "malformed-request"),
    (b"[]", "malformed-request"),
    (b"null", "malformed-request"),
    (b"\"port\"", "malformed-request"),
    (b"{\"port\": 80, \"protocol\": \"tcp\", \"token\": \"" + b"a" * 32 + b"\"}\x00",
     "malformed-request"),
    (b"{\"port\": 80, \"protocol\": \"tcp\", \"token\": \"\xff\xfe\"}", "malformed-request"),
    (b"", "malformed-request"),
]
MISSING = object()
BAD_FIELDS = [
    ({"port": MISSING}, "invalid-port"),
    ({"protocol": MISSING}, "invalid-protocol"),
    ({"token": MISSING, "protocol": "udp"}, "invalid-token"),  # TCP may go without one
    ({"port": 0}, "invalid-port"),
    ({"port": 65536}, "invalid-port"),
    ({"port": -1}, "invalid-port"),
    ({"port": 80.5}, "invalid-port"),
    ({"port": "80"}, "invalid-port"),
    ({"port": True}, "invalid-port"),
    ({"port": 2 ** 70}, "invalid-port"),
    ({"port": None}, "invalid-port"),
    ({"protocol": "sctp"}, "invalid-protocol"),
    ({"protocol": "TCP "}, "invalid-protocol"),
    ({"protocol": 6}, "invalid-protocol"),
    ({"token": "abc"}, "invalid-token"),
    ({"token": "g" * 32}, "invalid-token"),
    ({"token": "a" * 129}, "invalid-token"),
    ({"token": "a" * 31}, "invalid-token"),
    ({"token": ["a" * 32]}, "invalid-token"),
]


@test
def malformed_requests_get_400():
    config = FAST + "requests-per-minute=10000\nrequest-burst=1000\n"
    with ProbeServer(SERVER, config) as server:
        for body, code in BAD_BODIES:
            status, _, data = server.request("POST", "/v1/probe", body)
            doc = json.loads(data)
            assert (status, doc["error"]) == (400, code), (body, status, doc)
            assert doc["message"]
        for fields, code in BAD_FIELDS:
            request = dict({"port": 80, "protocol": "tcp", "token": new_token()}, **fields)
            request = {key: value for key, value in request.items() if value is not MISSING}
            status, _, data = server.request("POST", "/v1/probe", json.dumps(request))
            doc = json.loads(data)
            assert (status, doc["error"]) == (400, code), (fields, status, doc)
        # Extra members are fine: clients may add some.
        with Peer("token", "b" * 40) as peer:
            body = json.dumps({"port": peer.port, "protocol": "tcp", "token": "b" * 40,
                               "client": "portier 9", "extra": [1, {"x": None}]})
            status, _, data = server.request("POST", "/v1/probe", body)
            assert json.loads(data)["result"] == "reachable", data
        status, headers, data = server.request("GET", "/v1/probe")
        assert status == 405 and headers["Allow"] == "POST"
        status, headers, data = server.request("DELETE", "/v1/ip")
        assert status == 405 and headers["Allow"] == "GET"
        # Still serving.
        assert server.request("GET", "/v1/ip")[0] == 200


def raw_request(server, data, timeout=10):
    """Sends raw bytes; returns what came back until the server closed the connection."""
    host, port = server.host_port()
    sock = socket.create_connection((host, port), timeout=timeout)
    try:
        sock.sendall(data)
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            received += chunk
        return received
    finally:
        sock.close()


@test
def oversize_bodies_get_413():
    with ProbeServer(SERVER, FAST) as server:
        body = json.dumps({"port": 80, "protocol": "tcp", "token": new_token(),
                           "padding": "x" * 5000})
        status, headers, data = server.request("POST", "/v1/probe", body)
        assert status == 413 and json.loads(data)["error"] == "too-large", (status, data)
        assert headers.get("Connection") == "close"

        # Announced as huge: answered without reading a megabyte into memory.
        answer = raw_request(server, b"POST /v1/probe HTTP/1.1\r\nHost: x\r\n"
                                     b"Content-Length: 1000000000\r\n\r\n" + b"x" * 2000)
        assert answer.startswith(b"HTTP/1.1 413") or answer == b"", answer[:100]

        # Chunked, growing past the limit.
        chunk = b"x" * 600
        chunked = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(4)) + b"0\r\n\r\n"
        answer = raw_request(server, b"POST /v1/probe HTTP/1.1\r\nHost: x\r\n"
                                     b"Transfer-Encoding: chunked\r\n\r\n" + chunked)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]

        # Headers past libsoup's limit.
        answer = raw_request(server, b"GET /v1/ip HTTP/1.1\r\nHost: x\r\nX-Junk: " +
                             b"y" * 70000 + b"\r\n\r\n")
        assert answer == b"" or answer.startswith(b"HTTP/1.1 400"), answer[:100]
        assert server.request("GET", "/v1/ip")[0] == 200


@test
def slow_clients_are_cut_off_and_others_still_served():
    with ProbeServer(SERVER, FAST) as server:
        host, port = server.host_port()
        slow = []
        for data in (b"", b"POST /v1/probe HTTP/1.1\r\nHost: x\r\n",
                     b"POST /v1/probe HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"po"):
            sock = socket.create_connection((host, port), timeout=10)
            sock.sendall(data)
            slow.append(sock)

        # Meanwhile, a normal request is answered at once.
        started = time.monotonic()
        assert server.request("GET", "/v1/ip")[0] == 200
        assert time.monotonic() - started < 1

        for sock in slow:
            started = time.monotonic()
            try:
                while sock.recv(4096):
                    pass
            except ConnectionResetError:
                pass
            elapsed = time.monotonic() - started
            # Closed by the server at the request timeout (1.5 s), not by ours (10 s).
            assert elapsed < 5, elapsed
            sock.close()


@test
def rate_limit_answers_429():
    config = FAST + "requests-per-minute=30\nrequest-burst=3\n"
    with ProbeServer(SERVER, config) as server:
        for _ in range(3):
            assert server.request("GET", "/v1/ip")[0] == 200
        status, headers, data = server.request("GET", "/v1/ip")
        assert status == 429, status
        assert json.loads(data)["error"] == "rate-limited"
        assert 1 <= int(headers["Retry-After"]) <= 2, headers
        # Probes count against the same budget, and get the same answer.
        status, doc = probe(server, 9)
        assert status == 429 and doc["error"] == "rate-limited", doc
        # The bucket refills: one request every two seconds.
        time.sleep(int(headers["Retry-After"]) + 0.2)
        assert server.request("GET", "/v1/ip")[0] == 200
        assert server.request("GET", "/v1/ip")[0] == 429


@test
def concurrent_probe_limits():
    config = FAST.replace("read-timeout-ms=600", "read-timeout-ms=1500") + \
        "max-pending-probes-per-address=2\n"
    with ProbeServer(SERVER, config) as server, Peer("silent") as peer:
        results = []

        def run():
            results.append(probe(server, peer.port))

        threads = [threading.Thread(target=run) for _ in range(3)]
        for thread in threads:
            thread.start()
            time.sleep(0.15)
        for thread in threads:
            thread.join()
        statuses = sorted(status for status, _ in results)
        assert statuses == [200, 200, 429], results
        assert [doc["error"] for status, doc in results if status == 429] == ["too-many-at-once"]

    config = FAST.replace("read-timeout-ms=600", "read-timeout-ms=1500") + \
        "max-pending-probes=1\n"
    with ProbeServer(SERVER, config) as server, Peer("silent") as peer:
        results = []
        threads = [threading.Thread(target=lambda: results.append(probe(server, peer.port)))
                   for _ in range(2)]
        for thread in threads:
            thread.start()
            time.sleep(0.15)
        for thread in threads:
            thread.join()
        busy = [doc for status, doc in results if status == 503]
        assert len(busy) == 1 and busy[0]["error"] == "busy", results


@test
def connections_per_address_are_limited():
    config = FAST + "max-connections-per-address=2\n"
    with ProbeServer(SERVER, config) as server:
        host, port = server.host_port()
        held = [socket.create_connection((host, port), timeout=5) for _ in range(2)]
        time.sleep(0.2)
        extra = socket.create_connection((host, port), timeout=5)
        try:
            # Closed right away, unanswered.
            extra.sendall(b"GET /v1/ip HTTP/1.1\r\nHost: x\r\n\r\n")
            assert extra.recv(100) == b""
        except (ConnectionResetError, BrokenPipeError):
            pass
        extra.close()
        for sock in held:
            sock.close()
        time.sleep(0.2)
        assert server.request("GET", "/v1/ip")[0] == 200


def refused(status, doc, reason):
    assert status == 403, (status, doc)
    assert doc["error"] == "target-refused" and doc["reason"] == reason, doc
    assert doc["message"], doc


@test
def its_own_host_is_never_probed():
    # The default server: a request from 127.0.0.1 must not make it connect to 127.0.0.1
    # (behind an unconfigured local proxy, every internet client looks like that).
    with ProbeServer(SERVER, FAST, local_targets=False) as server, Peer("silent") as peer:
        status, doc = probe(server, peer.port)
        refused(status, doc, "loopback")
        status, _, data = server.request("GET", f"/{peer.port}")
        refused(status, json.loads(data), "loopback")
        assert peer.hits == 0
    with ProbeServer(SERVER, FAST, listen=("[::1]:0",), local_targets=False) as server, \
            Peer("silent", family=socket.AF_INET6) as peer:
        refused(*probe(server, peer.port, family=6), "loopback")
        assert peer.hits == 0


@test
def targets_that_are_not_a_home_are_refused():
    # Through a trusted proxy, any address can be named. None of these is ever probed
    # (each refusal comes before any packet is sent).
    config = FAST + "\n[server]\ntrusted-proxies=127.0.0.1\n"
    with ProbeServer(SERVER, config, local_targets=False) as server:
        for target, reason in (("127.0.0.2", "loopback"), ("::1", "loopback"),
                               ("0.0.0.0", "unspecified"), ("::", "unspecified"),
                               ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
                               ("255.255.255.255", "broadcast"),
                               ("fe80::1", "link-local"), ("::ffff:127.0.0.3", "loopback")):
            status, doc = probe(server, 9, headers={"X-Forwarded-For": target})
            refused(status, doc, reason)


@test
def a_trusted_proxy_is_never_the_client():
    # Only trusted proxies in the header: nobody vouches for a client, so none is probed.
    config = FAST + "\n[server]\ntrusted-proxies=127.0.0.1;10.0.0.0/8\n"
    with ProbeServer(SERVER, config) as server, Peer("silent") as peer:
        for header in ("127.0.0.1", "10.1.2.3", "10.1.2.3, 127.0.0.1"):
            status, doc = probe(server, peer.port, headers={"X-Forwarded-For": header})
            assert status == 403 and doc["error"] == "proxy-as-client", (header, status, doc)
            status, _, data = server.request("GET", "/v1/ip", headers={"X-Forwarded-For": header})
            assert status == 403 and json.loads(data)["error"] == "proxy-as-client", header
        assert peer.hits == 0


@test
def loopback_without_a_proxy_is_logged_once():
    with ProbeServer(SERVER, FAST, local_targets=False) as server:
        for _ in range(3):
            assert server.request("GET", "/v1/ip")[0] == 200
        _, stderr = server.stop()
    assert stderr.count("no trusted proxy is configured") == 1, stderr
    config = FAST + "\n[server]\ntrusted-proxies=10.0.0.0/8\n"
    with ProbeServer(SERVER, config, local_targets=False) as server:
        assert server.request("GET", "/v1/ip")[0] == 200
        _, stderr = server.stop()
    assert "no trusted proxy is configured" not in stderr, stderr


@test
def a_full_server_answers_503_at_once():
    # Past the total, a new connection is not left waiting in the backlog for a slot: it
    # gets 503 before it has even sent its request.
    config = FAST.replace("request-timeout-ms=1500", "request-timeout-ms=5000") + \
        "max-connections=2\n"
    with ProbeServer(SERVER, config) as server:
        host, port = server.host_port()
        held = [socket.create_connection((host, port), timeout=5) for _ in range(2)]
        time.sleep(0.2)
        extra = socket.create_connection((host, port), timeout=2)
        try:
            started = time.monotonic()
            answer = extra.recv(4096)
            assert time.monotonic() - started < 1
            assert answer.startswith(b"HTTP/1.1 503 "), answer
            head, _, body = answer.partition(b"\r\n\r\n")
            assert b"Retry-After: " in head, head
            assert f"Content-Length: {len(body)}\r\n".encode() in head + b"\r\n", head
            assert json.loads(body)["error"] == "busy", body
        finally:
            extra.close()
        for sock in held:
            sock.close()
        time.sleep(0.2)
        assert server.request("GET", "/v1/ip")[0] == 200


@test
def forwarded_for_from_an_untrusted_peer_is_ignored():
    # The listener answers on 127.0.0.1 only: a probe sent to 127.0.0.2 would be refused.
    token = new_token()
    with ProbeServer(SERVER, FAST) as server, Peer("token", token, address="127.0.0.1") as peer:
        status, doc = probe(server, peer.port, "tcp", token,
                            headers={"X-Forwarded-For": "127.0.0.2"})
        assert doc["address"] == "127.0.0.1" and doc["result"] == "reachable", doc
        assert peer.hits == 1
        status, _, data = server.request("GET", "/v1/ip", headers={"X-Forwarded-For": "1.2.3.4"})
        assert json.loads(data)["address"] == "127.0.0.1"


@test
def forwarded_for_from_a_trusted_proxy_is_used():
    config = FAST + "\n[server]\ntrusted-proxies=127.0.0.1;10.0.0.0/8\n"
    token = new_token()
    with ProbeServer(SERVER, config) as server, Peer("token", token, address="127.0.0.1") as peer:
        # The right-most address the trusted proxies did not add is the client.
        for header in ("127.0.0.2", "192.0.2.7, 127.0.0.2", "127.0.0.2, 10.1.2.3",
                       "[127.0.0.2]:4711", "127.0.0.2:4711"):
            status, doc = probe(server, peer.port, "tcp", token,
                                headers={"X-Forwarded-For": header})
            assert doc["address"] == "127.0.0.2", (header, doc)
            # The probe went there, not to the proxy: nothing listens on 127.0.0.2.
            assert doc["result"] == "refused", (header, doc)
        assert peer.hits == 0
        status, _, data = server.request("GET", "/v1/ip",
                                         headers={"X-Forwarded-For": "2001:db8::5"})
        assert json.loads(data) == {"address": "2001:db8::5", "family": "ipv6"}
        status, _, data = server.request("GET", "/v1/ip",
                                         headers={"X-Forwarded-For": "::ffff:192.0.2.9"})
        assert json.loads(data)["address"] == "192.0.2.9"
        # From a trusted proxy, no usable header means nobody to probe.
        for headers in ({}, {"X-Forwarded-For": "not an address"},
                        {"X-Forwarded-For": "127.0.0.2, junk"}, {"X-Forwarded-For": ""}):
            status, _, data = server.request("GET", "/v1/ip", headers=headers)
            assert status == 400 and json.loads(data)["error"] == "bad-forwarded-for", headers


@test
def bad_configuration_is_refused():
    cases = [
        ("[limits]\nrequests-per-minute=0\n", "requests-per-minute"),
        ("[limits]\nmax-body-bytes=lots\n", "max-body-bytes"),
        ("[limits]\nrequest-burst=-5\n", "request-burst"),
        ("[limits]\nno-such-limit=5\n", "no-such-limit"),
        ("[nope]\nx=1\n", "nope"),
        ("[server]\nlisten=localhost:80\n", "localhost:80"),
        ("[server]\ntrusted-proxies=10.0.0.0/99\n", "10.0.0.0/99"),
        ("not a key file", ""),
    ]
    for config, mention in cases:
        with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
            f.write(config)
            f.flush()
            proc = subprocess.run([SERVER, "--listen", "127.0.0.1:0", "--config", f.name],
                                  capture_output=True, text=True, timeout=30)
        assert proc.returncode == 2, (config, proc.returncode, proc.stderr)
        assert mention in proc.stderr, (config, proc.stderr)
        assert proc.stdout == ""
    for args in (["--listen", "127.0.0.1"], ["--listen", "[::1]8080"], ["--listen", "::1:80"],
                 ["--trusted-proxy", "nope"], ["--frobnicate"]):
        proc = subprocess.run([SERVER, *args], capture_output=True, text=True, timeout=30)
        assert proc.returncode == 2, (args, proc.returncode, proc.stderr)


@test
def port_in_use_exits_1():
    with ProbeServer(SERVER, FAST) as server:
        host, port = server.host_port()
        proc = subprocess.run([SERVER, "--listen", f"{host}:{port}"], capture_output=True,
                              text=True, timeout=30)
        assert proc.returncode == 1, (proc.returncode, proc.stderr)


@test
def stops_cleanly_with_probes_under_way():
    config = FAST.replace("read-timeout-ms=600", "read-timeout-ms=5000")
    server = ProbeServer(SERVER, config)
    with Peer("silent") as peer:
        results = []
        thread = threading.Thread(target=lambda: results.append(
            server.request("POST", "/v1/probe",
                           json.dumps({"port": peer.port, "protocol": "tcp",
                                       "token": new_token()}))))
        thread.start()
        time.sleep(0.3)
        started = time.monotonic()
        status, stderr = server.stop()
        thread.join()
        assert status == 0, (status, stderr)
        assert time.monotonic() - started < 3
        assert "LeakSanitizer" not in stderr, stderr
        assert results and results[0][0] == 503, results


if __name__ == "__main__":
    sys.exit(tap.run(TESTS))
