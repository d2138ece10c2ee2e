# Shared by the integration tests: the simulated home network, TAP output, and small
# network helpers that run inside its namespaces.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import re
import select
import shlex
import signal
import socket
import subprocess
import sys
import time
import traceback

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESTBED = os.path.join(TOP, "tests", "testbed", "testbed")
PYTHON = "/usr/bin/python3"


class Network:
    """One simulated home network; a context manager that always tears it down."""

    def __init__(self, *options):
        self.options = list(options)
        self.env = {}
        self.name = None
        self.up_seconds = None

    def __enter__(self):
        start = time.monotonic()
        proc = subprocess.run([TESTBED, "up", *self.options], capture_output=True, text=True,
                              timeout=30)
        self.up_seconds = time.monotonic() - start
        if proc.returncode != 0:
            raise RuntimeError(f"testbed up {self.options} failed:\n{proc.stderr}")
        for line in proc.stdout.splitlines():
            key, _, value = line.partition("=")
            self.env[key] = value
        self.name = self.env["TESTBED_NAME"]
        return self

    def __exit__(self, *exc):
        proc = subprocess.run([TESTBED, "down", self.name], timeout=30, check=False,
                              capture_output=True, text=True)
        for line in (proc.stdout + proc.stderr).splitlines():
            print(f"# testbed down {self.name}: {line}", flush=True)
        return False

    def __getitem__(self, key):
        return self.env["TESTBED_" + key]

    def run(self, node, *argv, check=True, timeout=30, env=None, **kwargs):
        """Runs argv inside node; returns the CompletedProcess."""
        full_env = dict(os.environ, LC_ALL="C.UTF-8")
        if env:
            full_env.update(env)
        proc = subprocess.run([TESTBED, "exec", self.name, node, "--", *argv],
                              capture_output=True, text=True, timeout=timeout, env=full_env,
                              **kwargs)
        if check and proc.returncode != 0:
            raise AssertionError(f"{node}: {shlex.join(argv)} exited {proc.returncode}\n"
                                 f"{proc.stdout}\n{proc.stderr}")
        return proc

    def popen(self, node, *argv, **kwargs):
        return subprocess.Popen([TESTBED, "exec", self.name, node, "--", *argv], **kwargs)

    def router(self, action):
        subprocess.run([TESTBED, "router", self.name, action], check=True, timeout=30)

    def upnpc(self, *args, node="lan", check=True):
        return self.run(node, "upnpc", "-u", self["ROUTER_URL"], *args, check=check)

    def router_mappings(self):
        """The router's table as an independent client (upnpc -l) sees it."""
        out = self.upnpc("-l").stdout
        found = []
        for m in re.finditer(r"^\s*\d+\s+(TCP|UDP)\s+(\d+)->([\d.]+):(\d+)\s+'([^']*)'\s+'[^']*'"
                             r"\s+(\d+)", out, re.M):
            found.append({"protocol": m[1].lower(), "external_port": int(m[2]),
                          "internal_client": m[3], "internal_port": int(m[4]),
                          "description": m[5], "lease": int(m[6])})
        return found

    def nft_chains(self):
        """The router's miniupnpd chains, as text (handles dropped)."""
        out = self.run("rtr", "nft", "list", "table", "inet", "filter").stdout
        return out

    def listener(self, node, port, protocol="tcp", family="ipv4", idle=10):
        """A listener on node; it stops after idle seconds without a connection."""
        return Listener(self, node, port, protocol, family, idle)

    def rogue_device(self, locations=(), controls=()):
        return RogueDevice(self, locations, controls)

    def reaches(self, port, protocol="tcp", listener_node="lan", address=None,
                family="ipv4", timeout=1.0, internal_port=None):
        """True when a connection from the internet to address:port (the router's WAN
        address by default) reaches a listener on listener_node (on internal_port, the
        same port by default) that proves it."""
        address = address or self["PUBLIC_IP"]
        with self.listener(listener_node, internal_port or port, protocol, family) as listener:
            client = self.run("wan", PYTHON, "-c", CLIENT, address, str(port), protocol,
                              str(timeout), check=False, timeout=30)
            if protocol == "tcp":
                # Connected and sent: the token is on its way (allow for a loaded machine).
                # Not connected: it cannot arrive.
                if "client:" in client.stdout:
                    return listener.got_token(0.2)
                return listener.got_token(3.0)
            return listener.got_token(1.0)


# A tiny listener and client, run inside namespaces: the client sends a token, the
# listener prints what it received. A connection counts only if the token arrives.
LISTENER = r"""
import socket, sys, select
port, proto, fam = int(sys.argv[1]), sys.argv[2], sys.argv[3]
idle = float(sys.argv[4]) if len(sys.argv) > 4 else 10
af = socket.AF_INET6 if fam == "ipv6" else socket.AF_INET
kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
s = socket.socket(af, kind)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::" if fam == "ipv6" else "0.0.0.0", port))
if proto == "tcp":
    s.listen(4)
print("ready", flush=True)
while True:
    r, _, _ = select.select([s], [], [], idle)
    if not r:
        break
    if proto == "tcp":
        c, _ = s.accept()
        print("accepted", flush=True)
        c.settimeout(2)
        try:
            data = c.recv(64)
        except OSError:
            data = b""
    else:
        data = s.recv(64)
    print("got", data.decode(errors="replace"), flush=True)
"""

CLIENT = r"""
import socket, sys
addr, port, proto, timeout = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
af = socket.AF_INET6 if ":" in addr else socket.AF_INET
try:
    if proto == "tcp":
        s = socket.create_connection((addr, port), timeout=timeout)
        s.sendall(b"portier-token")
    else:
        s = socket.socket(af, socket.SOCK_DGRAM)
        for _ in range(3):
            s.sendto(b"portier-token", (addr, port))
    s.close()
except OSError as e:
    print("client:", e)
"""


class Listener:
    def __init__(self, network, node, port, protocol, family, idle=10):
        self.proc = network.popen(node, PYTHON, "-u", "-c", LISTENER, str(port), protocol,
                                  family, str(idle), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.seen = b""
        line = self.proc.stdout.readline()
        if line.strip() != b"ready":
            raise RuntimeError(f"listener did not start: {line} {self.proc.stderr.read()}")

    def _wait_for(self, text, seconds=0.5):
        # Give a datagram or connection a moment to arrive, then stop looking.
        deadline = time.monotonic() + seconds
        fd = self.proc.stdout.fileno()
        while text not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    return False
                self.seen += chunk
        return True

    def got_token(self, seconds=0.5):
        """Whether the client's token arrived (within seconds)."""
        return self._wait_for(b"portier-token", seconds)

    def contacted(self):
        """Whether anything connected at all (TCP)."""
        return self._wait_for(b"accepted", 0.2)

    def connections(self):
        """How many connections arrived so far (TCP)."""
        self._wait_for(b"\n-", 0.2)  # never printed: reads whatever arrived meanwhile
        return self.seen.count(b"accepted")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()
        return False


# A hostile device in the LAN (run on lan2): it answers every M-SEARCH at once, before
# the router does, and serves IGD descriptions over HTTP whose control URLs point
# elsewhere. Arguments: its address, its HTTP port, then "location=URL" (answered as
# is: a location on another host) and "controls=URL" (a description on this device
# whose control URLs all start with URL, answered as this device's own location).
ROGUE = r"""
import http.server, select, socket, struct, sys, threading
address, http_port = sys.argv[1], int(sys.argv[2])
locations, descriptions = [], {}
for arg in sys.argv[3:]:
    kind, _, url = arg.partition("=")
    if kind == "location":
        locations.append(url)
    else:
        path = "/rogue%d.xml" % len(descriptions)
        descriptions[path] = url
        locations.append("http://%s:%d%s" % (address, http_port, path))
DESCRIPTION = (
    '<?xml version="1.0"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0">'
    '<specVersion><major>1</major><minor>0</minor></specVersion>'
    '<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>'
    '<friendlyName>Rogue</friendlyName><UDN>uuid:rogue</UDN>'
    '<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>'
    '<serviceList><service>'
    '<serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType>'
    '<serviceId>urn:upnp-org:serviceId:WANCommonIFC1</serviceId>'
    '<controlURL>%(base)s/ctl/CmnIfCfg</controlURL>'
    '<eventSubURL>%(base)s/evt/CmnIfCfg</eventSubURL>'
    '<SCPDURL>/WANCfg.xml</SCPDURL></service></serviceList>'
    '<deviceList><device>'
    '<deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType>'
    '<serviceList><service>'
    '<serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>'
    '<serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>'
    '<controlURL>%(base)s/ctl/IPConn</controlURL>'
    '<eventSubURL>%(base)s/evt/IPConn</eventSubURL>'
    '<SCPDURL>/WANIPCn.xml</SCPDURL></service></serviceList>'
    '</device></deviceList></device></deviceList></device></root>\n')


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        base = descriptions.get(self.path)
        if base is None:
            self.send_error(404)
            return
        body = (DESCRIPTION % {"base": base}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer((address, http_port), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 1900))
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
             struct.pack("4s4s", socket.inet_aton("239.255.255.250"),
                         socket.inet_aton(address)))
print("ready", flush=True)
while True:
    r, _, _ = select.select([s], [], [], 120)
    if not r:
        break
    data, peer = s.recvfrom(2048)
    if not data.startswith(b"M-SEARCH"):
        continue
    for location in locations:
        s.sendto(("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\n"
                  "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
                  "USN: uuid:rogue\r\nLOCATION: %s\r\n\r\n" % location).encode(), peer)
"""


class RogueDevice:
    """The hostile device of ROGUE on lan2, for as long as the context lasts."""

    HTTP_PORT = 5555

    def __init__(self, network, locations, controls):
        args = [f"location={url}" for url in locations] + [f"controls={url}" for url in controls]
        self.proc = network.popen("lan2", PYTHON, "-u", "-c", ROGUE, network["LAN2_IP"],
                                  str(self.HTTP_PORT), *args, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"the rogue device did not start: {line} {self.proc.stderr.read()}")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()
        return False


# ---------------------------------------------------------------------------- TAP

TESTS = []


def free_display(first=180, last=260):
    """A display number no X server uses, for an X server a test starts. A lock file
    whose server does not answer on its socket is left from a server that was killed (its
    PID, maybe from a PID namespace of its own, says nothing here): it and its socket are
    removed and the number is taken."""
    for number in range(first, last):
        lock = f"/tmp/.X{number}-lock"
        sock = f"/tmp/.X11-unix/X{number}"
        if not os.path.exists(lock):
            return number
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.connect(sock)
        except OSError:
            for path in (lock, sock):
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    pass
            return number
    raise RuntimeError("no free X display")


def test(function):
    TESTS.append(function)
    return function


def main():
    # A test run that is stopped (meson's timeout sends SIGTERM) still tears its networks
    # down: SystemExit unwinds through every "with Network()".
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if os.geteuid() != 0:
        print("1..0 # SKIP the simulated home network needs root")
        return 0
    selected = sys.argv[1:]
    tests = [t for t in TESTS if not selected or t.__name__ in selected]
    print(f"1..{len(tests)}", flush=True)
    failed = 0
    for number, function in enumerate(tests, 1):
        start = time.monotonic()
        try:
            function()
            print(f"ok {number} - {function.__name__} ({time.monotonic() - start:.1f} s)",
                  flush=True)
        except Exception:
            failed += 1
            print(f"not ok {number} - {function.__name__}", flush=True)
            for line in traceback.format_exc().splitlines():
                print(f"# {line}", flush=True)
            # meson prints a failed test's stderr, not its TAP comments
            print(f"{function.__name__}:\n{traceback.format_exc()}", file=sys.stderr, flush=True)
    return 1 if failed else 0


def namespaces_named(name):
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.startswith(name + "-")]

