# Shared by the helper's integration tests: a private world for each test file.
#
# Each test re-executes itself in new mount, network and PID namespaces. Inside:
# - /run and /tmp are fresh, so nothing the test starts can touch the machine's own;
# - a second network namespace (the "peer", another computer) is wired to this one with
#   a veth pair; addresses come from the documentation ranges and exist only here;
# - a private system bus (dbus-daemon, on /run/dbus/system_bus_socket of the namespace),
#   the real polkitd with the project's .policy placed over /usr/share/polkit-1/actions,
#   and the real firewall programs.
# When the test's first process (PID 1 of its namespace) exits, for whatever reason, the
# kernel ends every process in it and the namespaces disappear: nothing is left behind.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import traceback

HOST_V4 = "192.0.2.1"
PEER_V4 = "192.0.2.2"
HOST_V6 = "2001:db8::1"
PEER_V6 = "2001:db8::2"
NOBODY = 65534
BUS_SOCKET = "/run/dbus/system_bus_socket"
BUS_ADDRESS = "unix:path=" + BUS_SOCKET
HELPER_NAME = "io.github.portier_app.Portier.Helper1"
HELPER_PATH = "/io/github/portier_app/Portier/Helper1"
POLKIT_ACTIONS = "/usr/share/polkit-1/actions"
POLKIT_RULES = "/etc/polkit-1/rules.d"
WORK = "/run/portier-test"


# ----------------------------------------------------------------------------------------
# TAP


class Tap:
    def __init__(self):
        self.tests = []

    def test(self, function):
        self.tests.append(function)
        return function

    @staticmethod
    def diagnose(lines):
        """TAP comments on stdout, and the same on stderr, which is what a test runner
        prints of a failed test."""
        for line in lines:
            print(f"# {line}", flush=True)
            print(line, file=sys.stderr, flush=True)

    def run(self, setup=None):
        print(f"1..{len(self.tests)}", flush=True)
        failed = 0
        try:
            context = setup() if setup else None
        except Exception:
            print("Bail out! the test's world could not be set up", flush=True)
            self.diagnose(traceback.format_exc().splitlines())
            return 1
        for number, function in enumerate(self.tests, 1):
            name = function.__name__.replace("_", " ")
            started = time.monotonic()
            try:
                function(context) if context is not None else function()
                print(f"ok {number} - {name} ({time.monotonic() - started:.1f} s)", flush=True)
            except Exception:
                failed += 1
                print(f"not ok {number} - {name}", flush=True)
                self.diagnose([f"{name}:"] + traceback.format_exc().splitlines())
                world = getattr(context, "world", None)
                if world is not None and os.path.exists(world.helper_log):
                    self.diagnose(["the helper's log, last lines:"] +
                                  [f"  {line}" for line in
                                   world.helper_output().splitlines()[-15:]])
        return 1 if failed else 0


def skip_all(reason):
    print(f"1..0 # SKIP {reason}", flush=True)
    sys.exit(0)


def log(message):
    print(f"# {message}", flush=True)


# ----------------------------------------------------------------------------------------
# Namespaces


def enter_namespaces(needs=()):
    """Re-executes the test in its own namespaces (once), or skips it.

    The arguments of the test are made absolute first: they are paths."""
    sys.argv[1:] = [os.path.abspath(arg) for arg in sys.argv[1:]]
    if os.environ.get("PORTIER_TEST_IN_NAMESPACE") == "1":
        return
    if os.geteuid() != 0:
        skip_all("needs root (namespaces, firewall, system bus)")
    for program in ("unshare", "nsenter", "ip", "nft", "dbus-daemon") + tuple(needs):
        if shutil.which(program) is None and not os.path.exists(program):
            skip_all(f"{program} is not installed")
    env = dict(os.environ, PORTIER_TEST_IN_NAMESPACE="1")
    os.execvpe("unshare", ["unshare", "--mount", "--net", "--pid", "--fork", "--mount-proc",
                           "--propagation", "private", "--kill-child",
                           sys.executable, *sys.argv], env)


def run(*args, check=True, env=None, user=None, input=None, timeout=60):
    proc = subprocess.run(list(args), capture_output=True, text=True, env=env, input=input,
                          timeout=timeout,
                          user=user, group=user, extra_groups=[] if user is not None else None)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return proc


def wait_for(predicate, what, timeout=20.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")


def private_filesystems():
    """A fresh /run, and a private temporary folder (TMPDIR) inside it.

    /tmp itself stays as it is: the tree under test may live there (a clean clone often
    does), and hiding it would hide the programs being tested."""
    run("mount", "--make-rprivate", "/")
    run("mount", "-t", "tmpfs", "-o", "mode=755", "tmpfs", "/run")
    os.makedirs(WORK, mode=0o755)
    os.makedirs("/run/dbus", mode=0o755)
    tmp = os.path.join(WORK, "tmp")
    os.makedirs(tmp, mode=0o1777)
    os.chmod(tmp, 0o1777)
    os.environ["TMPDIR"] = tmp


def overlay_directory(path, extra_files=None, keep=True):
    """Puts a writable copy of @path over it (in this mount namespace only)."""
    copy = os.path.join(WORK, "overlay" + path.replace("/", "-"))
    if keep and os.path.isdir(path):
        shutil.copytree(path, copy, symlinks=True)
    else:
        os.makedirs(copy)
    st = os.stat(path)
    os.chmod(copy, st.st_mode & 0o7777)
    os.chown(copy, st.st_uid, st.st_gid)
    for name, source in (extra_files or {}).items():
        shutil.copy(source, os.path.join(copy, name))
    run("mount", "--bind", copy, path)
    return path


class Network:
    """This namespace (the computer under test) and a peer wired to it."""

    def __init__(self):
        run("ip", "link", "set", "lo", "up")
        self.peer = subprocess.Popen(["unshare", "--net", "sleep", "infinity"])
        own = os.readlink("/proc/self/ns/net")
        wait_for(lambda: os.readlink(f"/proc/{self.peer.pid}/ns/net") != own, "the peer")
        run("ip", "link", "add", "veth-host", "type", "veth", "peer", "name", "veth-peer",
            "netns", str(self.peer.pid))
        run("ip", "addr", "add", f"{HOST_V4}/24", "dev", "veth-host")
        run("ip", "-6", "addr", "add", f"{HOST_V6}/64", "dev", "veth-host", "nodad")
        run("ip", "link", "set", "veth-host", "up")
        self.in_peer("ip", "link", "set", "lo", "up")
        self.in_peer("ip", "addr", "add", f"{PEER_V4}/24", "dev", "veth-peer")
        self.in_peer("ip", "-6", "addr", "add", f"{PEER_V6}/64", "dev", "veth-peer", "nodad")
        self.in_peer("ip", "link", "set", "veth-peer", "up")
        # The peer is this computer's gateway: "the interface toward the gateway".
        run("ip", "route", "add", "default", "via", PEER_V4)
        self.servers = {}

    def add_peer_address(self, address):
        """A second address of the peer on the same link (IPv4, /24)."""
        self.in_peer("ip", "addr", "replace", f"{address}/24", "dev", "veth-peer")

    def in_peer(self, *args, check=True):
        return run("nsenter", "-t", str(self.peer.pid), "-n", *args, check=check)

    def serve(self, port, protocol="tcp"):
        """A program on this computer that answers on @port (IPv4 and IPv6)."""
        key = (port, protocol)
        if key in self.servers:
            return
        if protocol == "tcp":
            sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            sock.bind(("::", port))
            sock.listen(16)

            def loop():
                while True:
                    conn, _ = sock.accept()
                    try:
                        conn.sendall(b"portier\n")
                    finally:
                        conn.close()
        else:
            sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
            sock.bind(("::", port))

            def loop():
                while True:
                    data, address = sock.recvfrom(2048)
                    sock.sendto(b"portier:" + data, address)
        threading.Thread(target=loop, daemon=True).start()
        self.servers[key] = sock

    def reaches(self, port, protocol="tcp", family=4, timeout=1.0, source=None):
        """Whether the peer gets an answer from this computer's @port (sent from the
        peer's address @source when given; see add_peer_address)."""
        self.serve(port, protocol)
        address = HOST_V4 if family == 4 else HOST_V6
        script = (
            "import socket, sys\n"
            f"family = socket.AF_INET if {family} == 4 else socket.AF_INET6\n"
            f"kind = socket.SOCK_STREAM if '{protocol}' == 'tcp' else socket.SOCK_DGRAM\n"
            "s = socket.socket(family, kind)\n"
            f"s.settimeout({timeout})\n"
            + (f"s.bind(('{source}', 0))\n" if source else "") +
            "try:\n"
            f"    s.connect(('{address}', {port}))\n"
            f"    if '{protocol}' == 'udp':\n"
            "        s.send(b'hello')\n"
            "    data = s.recv(64)\n"
            "    sys.exit(0 if data.startswith(b'portier') else 3)\n"
            "except (socket.timeout, ConnectionRefusedError, OSError):\n"
            "    sys.exit(1)\n"
        )
        proc = self.in_peer("/usr/bin/python3", "-c", script, check=False)
        if proc.returncode not in (0, 1):
            raise AssertionError(f"probe failed: {proc.stdout}{proc.stderr}")
        return proc.returncode == 0


def assert_same(before, after, what="the firewall"):
    """Byte for byte; the difference, when there is one, goes into the failure."""
    if before != after:
        import difflib
        diff = "\n".join(difflib.unified_diff(before.splitlines(), after.splitlines(),
                                               "before", "after", lineterm=""))
        raise AssertionError(f"{what} changed:\n{diff}")


def nft_ruleset():
    """The ruleset without its counters: packets that reach the namespace on their own
    (neighbour discovery, say) move the counters of ufw's and firewalld's rules."""
    return run("nft", "--stateless", "list", "ruleset").stdout


# ----------------------------------------------------------------------------------------
# System bus, polkit, helper


BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <!-- the default policy of a system bus: deny, then allow what each service allows -->
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Introspectable"/>
    <allow send_destination="org.freedesktop.DBus"
           send_interface="org.freedesktop.DBus.Properties"/>
  </policy>
  {includes}
</busconfig>
"""


class World:
    """The private system bus with polkitd, and optionally the helper."""

    def __init__(self, helper, policy, bus_policy, extra_bus_policies=()):
        self.helper_path = helper
        self.state_dir = os.path.join(WORK, "helper-state")
        self.helper_log = os.path.join(WORK, "helper.log")
        self.helper = None
        self.polkitd = None
        os.environ["DBUS_SYSTEM_BUS_ADDRESS"] = BUS_ADDRESS

        overlay_directory(POLKIT_ACTIONS, {"io.github.portier_app.Portier.policy": policy})
        overlay_directory(POLKIT_RULES, keep=False)

        self.includes = [bus_policy,
                         "/usr/share/dbus-1/system.d/org.freedesktop.PolicyKit1.conf",
                         *extra_bus_policies]
        self.start_bus()
        self.start_polkit()

    def start_bus(self, servicedir=None):
        config = os.path.join(WORK, "system-bus.conf")
        extra = [f"<include>{path}</include>" for path in self.includes]
        if servicedir is not None:
            extra.append(f"<servicedir>{servicedir}</servicedir>")
        with open(config, "w") as f:
            f.write(BUS_CONFIG.format(socket=BUS_SOCKET, includes="\n  ".join(extra)))
        self.bus = subprocess.Popen(["dbus-daemon", "--config-file", config, "--nofork",
                                     "--nopidfile"], stdout=subprocess.DEVNULL,
                                    stderr=open(os.path.join(WORK, "bus.log"), "a"))
        wait_for(lambda: os.path.exists(BUS_SOCKET) or self.bus.poll() is not None,
                 "the system bus")
        if self.bus.poll() is not None:
            raise AssertionError("the system bus did not start")

    def restart_bus(self, servicedir=None):
        """A new bus (everything on it goes); polkitd and the helper are not restarted."""
        self.stop_helper()
        self.stop_polkit()
        self.bus.terminate()
        self.bus.wait()
        if os.path.exists(BUS_SOCKET):
            os.unlink(BUS_SOCKET)
        self.start_bus(servicedir)

    def has_owner(self, name):
        proc = run("dbus-send", "--system", "--print-reply", "--dest=org.freedesktop.DBus",
                   "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
                   f"string:{name}", check=False)
        return "boolean true" in proc.stdout

    def start_polkit(self):
        self.polkitd = subprocess.Popen(["/usr/lib/polkit-1/polkitd", "--no-debug"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: self.has_owner("org.freedesktop.PolicyKit1"), "polkitd")

    def stop_polkit(self):
        if self.polkitd is not None:
            self.polkitd.terminate()
            self.polkitd.wait()
            self.polkitd = None
            wait_for(lambda: not self.has_owner("org.freedesktop.PolicyKit1"), "polkitd to go")

    def set_polkit_rules(self, text):
        """Places a rules file (or none) and restarts polkitd so it reads it."""
        path = os.path.join(POLKIT_RULES, "50-portier-test.rules")
        if text is None:
            if os.path.exists(path):
                os.unlink(path)
        else:
            with open(path, "w") as f:
                f.write(text)
            os.chmod(path, 0o644)
        self.stop_polkit()
        self.start_polkit()

    def start_helper(self, idle=0):
        os.makedirs(self.state_dir, mode=0o700, exist_ok=True)
        log_file = open(self.helper_log, "a")
        self.helper = subprocess.Popen([self.helper_path, "--state-directory", self.state_dir,
                                        "--idle-timeout", str(idle), "--verbose"],
                                       stdout=log_file, stderr=log_file)
        wait_for(lambda: self.has_owner(HELPER_NAME) or self.helper.poll() is not None,
                 "the helper")
        if self.helper.poll() is not None:
            raise AssertionError("the helper did not start:\n" + self.helper_output())

    def stop_helper(self):
        """Stops the helper; it must exit cleanly (in sanitizer builds: without reports)."""
        if self.helper is not None:
            self.helper.terminate()
            status = self.helper.wait(timeout=30)
            self.helper = None
            wait_for(lambda: not self.has_owner(HELPER_NAME), "the helper to go")
            output = self.helper_output()
            for mark in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                         "CRITICAL", "Segmentation fault"):
                if mark in output:
                    raise AssertionError(f"the helper reported “{mark}”:\n{output[-4000:]}")
            if status != 0:
                raise AssertionError(f"the helper exited with {status}:\n{output[-4000:]}")

    def kill_helper(self):
        """Ends the helper the way a crash or a power cut would: SIGKILL, nothing cleaned."""
        if self.helper is not None:
            self.helper.kill()
            self.helper.wait(timeout=30)
            self.helper = None
            wait_for(lambda: not self.has_owner(HELPER_NAME), "the helper to go")

    def boot_reconcile(self):
        """Runs what the boot unit runs (portier-helper --reconcile) on this record."""
        proc = run(self.helper_path, "--reconcile", "--state-directory", self.state_dir,
                   "--verbose", check=False)
        with open(self.helper_log, "a") as f:
            f.write(proc.stdout + proc.stderr)
        return proc

    def helper_output(self):
        with open(self.helper_log) as f:
            return f.read()

    def record(self):
        path = os.path.join(self.state_dir, "rules.ini")
        if not os.path.exists(path):
            return ""
        with open(path) as f:
            return f.read()


# ----------------------------------------------------------------------------------------
# Clients


def reachable_by_anyone(path):
    """A copy of a program that every user may run.

    The tree under test may sit in a folder only root may enter (a clone in /root, say);
    the copy sits in the private /run."""
    folder = os.path.join(WORK, "bin")
    copy = os.path.join(folder, os.path.basename(path))
    if not os.path.exists(copy):
        os.makedirs(folder, mode=0o755, exist_ok=True)
        os.chmod(folder, 0o755)
        shutil.copy2(path, copy)
        os.chmod(copy, 0o755)
    return copy


def portierctl(binary, *args, user=None, check_status=None):
    env = dict(os.environ, LC_ALL="C.UTF-8", DBUS_SYSTEM_BUS_ADDRESS=BUS_ADDRESS,
               PORTIER_STATE_DIR=os.path.join(WORK, "state"),
               PORTIER_PROBE_SERVER="http://127.0.0.1:9/")

    # Another user keeps a record of their own, in a folder of their own.
    if user is not None:
        binary = reachable_by_anyone(binary)
        env["PORTIER_STATE_DIR"] = user_state_dir(user)
    proc = run(binary, *args, check=False, env=env, user=user, timeout=120)
    if check_status is not None and proc.returncode != check_status:
        raise AssertionError(f"portierctl {args}: exit {proc.returncode}, wanted "
                             f"{check_status}\n{proc.stdout}{proc.stderr}")
    for stream in (proc.stdout, proc.stderr):
        assert "CRITICAL" not in stream, stream
        # a failure may be logged as a warning; success must be quiet
        assert proc.returncode != 0 or "WARNING" not in stream, stream
    if "--json" in args:
        return json.loads(proc.stdout)
    return proc


def user_state_dir(user):
    """A folder @user owns, for the record portierctl keeps."""
    path = os.path.join(WORK, f"state-{user}")
    if not os.path.isdir(path):
        os.makedirs(path, mode=0o700)
        os.chown(path, user, user)
    return path


def error_code(part):
    """The short name of the error in a part of portierctl's JSON ("NotAuthorized"),
    whether it comes as "error_code" or as the full D-Bus name in "error_name"."""
    if isinstance(part.get("error_code"), str):
        return part["error_code"]
    if isinstance(part.get("error_name"), str):
        return part["error_name"].rsplit(".", 1)[-1]
    return None


CALL_SCRIPT = r"""
import json, sys
from gi.repository import Gio, GLib
request = json.loads(sys.argv[1])
bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
try:
    flags = Gio.DBusCallFlags.NONE
    parameters = GLib.Variant(request["signature"], tuple(request["args"])) \
        if request["signature"] else None
    reply = bus.call_sync(request["name"], request["path"], request["interface"],
                          request["method"], parameters, None, flags, 60000, None)
    print(json.dumps({"ok": reply.unpack() if reply is not None else None}))
except GLib.Error as error:
    print(json.dumps({"error": Gio.DBusError.get_remote_error(error) or error.message,
                      "message": error.message}))
"""


def call(method, signature, *args, user=None, name=HELPER_NAME, path=HELPER_PATH,
         interface=HELPER_NAME):
    """Calls a D-Bus method in a separate process (as @user), with exact argument types.

    Returns ("ok", value) or ("error", D-Bus error name)."""
    request = json.dumps({"name": name, "path": path, "interface": interface,
                          "method": method, "signature": signature, "args": list(args)})
    env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=BUS_ADDRESS)
    proc = run("/usr/bin/python3", "-c", CALL_SCRIPT, request, check=False, env=env, user=user)
    if proc.returncode != 0:
        raise AssertionError(f"D-Bus call failed to run: {proc.stderr}")
    answer = json.loads(proc.stdout)
    if "error" in answer:
        return ("error", answer["error"])
    return ("ok", answer["ok"])


def error_name(code):
    return "io.github.portier_app.Portier.Error." + code


# ----------------------------------------------------------------------------------------
# Shared cases


def check_boot_after_a_crash(world, net, ctl, ended_port, live_port):
    """A rule for 5 s and one for an hour; the helper dies with SIGKILL (a crash, or the
    power going) and the computer "starts again" past the first one's end: what the boot
    unit runs removes that one and keeps the other. Returns the live opening's document."""
    ended = ctl("open", str(ended_port), "--no-router", "--no-verify", "--lease", "5",
                "--json", check_status=0)
    live = ctl("open", str(live_port), "--no-router", "--no-verify", "--lease", "3600",
               "--json", check_status=0)
    assert ended["firewall"]["status"] == "opened", ended
    assert live["firewall"]["status"] == "opened", live
    ended_id = ended["firewall"]["rules"][0]
    live_id = live["firewall"]["rules"][0]
    world.kill_helper()
    time.sleep(7)

    proc = world.boot_reconcile()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not net.reaches(ended_port), "the rule whose time is over is gone"
    assert net.reaches(live_port), "the rule still within its time is kept"
    record = world.record()
    assert ended_id not in record and live_id in record, record
    world.start_helper()
    return live


# Calls from one user, 100 of them in flight at any time until stdin closes (at most
# 20 s): QueryPort, and OpenPort that polkit refuses. Prints one JSON document.
FLOOD_SCRIPT = r"""
import json, sys, time
from gi.repository import Gio, GLib
address = Gio.dbus_address_get_for_bus_sync(Gio.BusType.SYSTEM, None)
flags = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
         Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
conns = [Gio.DBusConnection.new_for_address_sync(address, flags, None, None)
         for _ in range(25)]
loop = GLib.MainLoop()
counts = {}
deadline = time.monotonic() + 20
stop = [False]

def send(conn, n):
    if stop[0] or time.monotonic() > deadline:
        return
    if n % 2:
        method, args = "QueryPort", GLib.Variant("(qqs)", (8000 + n % 50, 8000 + n % 50, "tcp"))
    else:
        method, args = "OpenPort", GLib.Variant("(qqssubsb)", (9000, 9000, "tcp", "", 600,
                                                               False, "", False))
    conn.call("io.github.portier_app.Portier.Helper1", "/io/github/portier_app/Portier/Helper1",
              "io.github.portier_app.Portier.Helper1", method, args, None,
              Gio.DBusCallFlags.NONE, 30000, None, done, (conn, n))

def done(conn, result, data):
    try:
        conn.call_finish(result)
        key = "ok"
    except GLib.Error as error:
        key = Gio.DBusError.get_remote_error(error) or error.message
    counts[key] = counts.get(key, 0) + 1
    GLib.timeout_add(5, lambda: send(*data) and False)

def stdin_closed(channel, condition):
    stop[0] = True
    GLib.timeout_add(3000, loop.quit)
    return False

for i, conn in enumerate(conns):
    for j in range(4):
        send(conn, i * 4 + j)
print("sent", flush=True)
GLib.io_add_watch(GLib.IOChannel.unix_new(0), GLib.PRIORITY_DEFAULT,
                  GLib.IOCondition.IN | GLib.IOCondition.HUP, stdin_closed)
GLib.timeout_add(21000, loop.quit)
loop.run()
print(json.dumps(counts), flush=True)
"""

TIMED_CALL = r"""
import json, sys, time
from gi.repository import Gio, GLib
bus = Gio.bus_get_sync(Gio.BusType.SYSTEM, None)
started = time.monotonic()
try:
    bus.call_sync("io.github.portier_app.Portier.Helper1",
                  "/io/github/portier_app/Portier/Helper1",
                  "io.github.portier_app.Portier.Helper1", "ClosePort",
                  GLib.Variant("(sb)", (sys.argv[1], False)), None,
                  Gio.DBusCallFlags.NONE, 60000, None)
    result = "ok"
except GLib.Error as error:
    result = Gio.DBusError.get_remote_error(error) or error.message
print(json.dumps({"result": result, "seconds": time.monotonic() - started}))
"""



def close_during_a_flood(rule_id, flooder, owner):
    """@owner closes @rule_id while @flooder keeps 100 calls in flight (QueryPort, and
    OpenPort that polkit refuses). Returns the close's {"result", "seconds"} and the
    flood's answers counted by kind."""
    env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=BUS_ADDRESS)
    flood = subprocess.Popen(["/usr/bin/python3", "-c", FLOOD_SCRIPT], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, env=env, user=flooder,
                             group=flooder, extra_groups=[])
    try:
        assert flood.stdout.readline().strip() == "sent"
        time.sleep(1)    # the flood is in full swing
        proc = run("/usr/bin/python3", "-c", TIMED_CALL, rule_id, env=env, user=owner)
        closed = json.loads(proc.stdout)
    finally:
        flood.stdin.close()
    counts = json.loads(flood.stdout.readline())
    flood.wait(timeout=30)
    return closed, counts
