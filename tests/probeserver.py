# A real portier-probe-server for the tests: started on loopback with a configuration,
# stopped with SIGTERM. Also the little peers a probe meets: listeners that answer with
# the token, with something else, or not at all.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import ctypes
import http.client
import os
import select
import signal
import socket
import subprocess
import tempfile
import threading
import time


def die_with_parent():
    """In the child: SIGTERM when the test dies, so no server outlives a failed test."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


# Client and server on one machine: the client is on loopback, which a real server never
# probes. The tests let it (the server says so on stderr); local_targets=False tests the
# server exactly as shipped.
LOCAL_TARGETS = "PORTIER_PROBE_TEST_LOCAL_TARGETS"


class ProbeServer:
    def __init__(self, binary, config=None, listen=("127.0.0.1:0",), args=(),
                 local_targets=True):
        self.config_file = None
        command = [binary]
        for address in listen:
            command += ["--listen", address]
        if config is not None:
            self.config_file = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
            self.config_file.write(config)
            self.config_file.close()
            command += ["--config", self.config_file.name]
        command += list(args)
        env = dict(os.environ)
        env.pop(LOCAL_TARGETS, None)
        if local_targets:
            env[LOCAL_TARGETS] = "1"
        self.proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env, preexec_fn=die_with_parent)
        self.addresses = []
        deadline = time.monotonic() + 20
        while len(self.addresses) < len(listen):
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self.proc.stdout], [], [], max(remaining, 0))
            if not ready:
                self.stop()
                raise AssertionError("the probe server did not start")
            line = self.proc.stdout.readline()
            if not line:
                _, err = self.proc.communicate(timeout=10)
                raise AssertionError(f"the probe server exited: {err}")
            prefix = "portier-probe-server: listening on "
            assert line.startswith(prefix), line
            self.addresses.append(line[len(prefix):].strip())
        self.stopped = False

    def host_port(self, family=4):
        for address in self.addresses:
            if family == 6 and address.startswith("["):
                host, _, port = address[1:].partition("]:")
                return host, int(port)
            if family == 4 and not address.startswith("["):
                host, _, port = address.rpartition(":")
                return host, int(port)
        raise AssertionError(f"no IPv{family} address in {self.addresses}")

    def url(self, family=4):
        host, port = self.host_port(family)
        return f"http://[{host}]:{port}/" if family == 6 else f"http://{host}:{port}/"

    def request(self, method, path, body=None, headers=None, family=4, timeout=30):
        host, port = self.host_port(family)
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def stop(self):
        """SIGTERM; returns the exit status and what the server printed on stderr."""
        if self.stopped:
            return self.status, self.stderr
        self.stopped = True
        self.proc.send_signal(signal.SIGTERM)
        try:
            _, self.stderr = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, self.stderr = self.proc.communicate()
        self.status = self.proc.returncode
        if self.config_file is not None:
            os.unlink(self.config_file.name)
        return self.status, self.stderr

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        status, stderr = self.stop()
        # A clean exit, and (under the sanitizers) no leak report.
        if exc[0] is None:
            assert status == 0, f"the probe server exited with {status}: {stderr}"
            assert "ERROR: LeakSanitizer" not in stderr, stderr
            assert "runtime error" not in stderr, stderr


class Peer:
    """A listener on some port of this machine, answering a probe the way it is told:
    'token' (send the token), 'other' (send something else), 'silent' (accept, say
    nothing), 'close' (accept and close), 'echo' (UDP: echo the token), 'udp-other'
    (UDP: answer with something else), 'udp-silent' (UDP: say nothing)."""

    def __init__(self, mode, token="", family=socket.AF_INET, address=None):
        self.mode = mode
        self.token = token.encode()
        self.hits = 0
        udp = mode.startswith("echo") or mode.startswith("udp")
        self.sock = socket.socket(family, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
        if family == socket.AF_INET6:
            self.sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        if address is None:
            address = "::" if family == socket.AF_INET6 else "0.0.0.0"
        self.sock.bind((address, 0))
        self.port = self.sock.getsockname()[1]
        if not udp:
            self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.running = True
        self.held = []
        self.thread = threading.Thread(target=self._udp if udp else self._tcp, daemon=True)
        self.thread.start()

    def _tcp(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except (socket.timeout, OSError):
                continue
            self.hits += 1
            if self.mode == "token":
                conn.sendall(self.token + b"\n")
                conn.close()
            elif self.mode == "other":
                conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
                conn.close()
            elif self.mode == "close":
                conn.close()
            else:
                self.held.append(conn)

    def _udp(self):
        while self.running:
            try:
                data, sender = self.sock.recvfrom(2048)
            except (socket.timeout, OSError):
                continue
            self.hits += 1
            if self.mode == "echo" and data == self.token:
                self.sock.sendto(data, sender)
            elif self.mode == "udp-other":
                self.sock.sendto(b"hello", sender)

    def close(self):
        self.running = False
        self.thread.join(5)
        for conn in self.held:
            conn.close()
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def closed_port(kind=socket.SOCK_STREAM, family=socket.AF_INET):
    """A port with nothing listening: bound (so nobody else takes it) but not listening.
    Returns the socket, to be closed by the caller."""
    sock = socket.socket(family, kind)
    sock.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
    return sock


def unused_udp_port(family=socket.AF_INET):
    """A UDP port nothing uses (a bound UDP socket would receive, so none may stay)."""
    sock = socket.socket(family, socket.SOCK_DGRAM)
    sock.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def new_token():
    return os.urandom(16).hex()
