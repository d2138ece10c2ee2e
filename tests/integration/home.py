# The simulated home network with the probe server in the internet and a state folder for
# Portier: what the troubleshooter's and the guide's integration tests share; and the
# same network whose computer has a real host firewall (home-computer.py), for the tests
# of the firewall inside the whole job.
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import shutil
import subprocess
import tempfile
import time

from testbed import Network, PYTHON

PORTIERCTL = None
PROBE_SERVER = None
PROBE_PORT = 8180

APP = r"""
import socket, sys, time
addr, port = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.listen(8)
print("ready", flush=True)
s.settimeout(1)
end = time.monotonic() + 120
while time.monotonic() < end:
    try:
        c, _ = s.accept()
        c.sendall(b"hello from the app\n")
        c.close()
    except OSError:
        pass
"""


class Home(Network):
    """A network with the probe server in the internet and a state folder for Portier."""

    def __init__(self, *options, probe=True):
        super().__init__(*options)
        self.probe = probe
        self.procs = []

    def __enter__(self):
        super().__enter__()
        self.state = tempfile.mkdtemp(prefix="portier-state-")
        if self.probe:
            self.start_probe()
        return self

    def __exit__(self, *exc):
        for proc in self.procs:
            proc.kill()
            proc.wait()
        shutil.rmtree(self.state, ignore_errors=True)
        return super().__exit__(*exc)

    def start_probe(self):
        listen = ["--listen", f"{self['PROBE_IP']}:{PROBE_PORT}"]
        if self["PROBE_IP6"]:
            listen += ["--listen", f"[{self['PROBE_IP6']}]:{PROBE_PORT}"]
        proc = self.popen("wan", PROBE_SERVER, *listen,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(proc)
        for _ in range(100):
            if self.run("wan", PYTHON, "-c",
                        "import socket,sys; socket.create_connection((sys.argv[1], "
                        "int(sys.argv[2])), 0.2)", self["PROBE_IP"], str(PROBE_PORT),
                        check=False).returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError("the probe server did not start")

    def app(self, address="0.0.0.0", port=25565):
        proc = self.popen("lan", PYTHON, "-u", "-c", APP, address, str(port),
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout.readline().strip() == b"ready"
        self.procs.append(proc)
        return proc

    def probe_url6(self):
        """The probe server over IPv6 alone: the test from the internet over IPv6."""
        return f"http://[{self['PROBE_IP6']}]:{PROBE_PORT}"

    def env_for_portier(self):
        return {
            "PORTIER_PROBE_SERVER": f"http://{self['PROBE_IP']}:{PROBE_PORT}",
            "PORTIER_STATE_DIR": self.state,
            "XDG_CACHE_HOME": os.path.join(self.state, "cache"),
            "PORTIER_NETWORK_SOURCE": "kernel",
            "G_DEBUG": "fatal-criticals",
        }

    def portierctl(self, *args, status=None, timeout=60):
        proc = self.run("lan", PORTIERCTL, *args, check=False, timeout=timeout,
                        env=self.env_for_portier())
        if status is not None:
            assert proc.returncode == status, (
                f"portierctl {' '.join(args)}: exit {proc.returncode}, wanted {status}\n"
                f"{proc.stdout}\n{proc.stderr}")
        assert "CRITICAL" not in proc.stderr, proc.stderr
        return proc

    def portierctl_json(self, *args, status=0, timeout=60):
        return json.loads(self.portierctl(*args, "--json", status=status,
                                          timeout=timeout).stdout)

    def diagnose(self, spec="25565/tcp"):
        start = time.monotonic()
        report = self.portierctl_json("diagnose", spec)
        report["seconds"] = time.monotonic() - start
        report["codes"] = [f["code"] for f in report["findings"]]
        report["problems"] = [f["code"] for f in report["findings"]
                              if f["status"] == "problem"]
        return report

    def ledger(self):
        path = os.path.join(self.state, "openings.json")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return json.load(f)["openings"]


LISTENER = ("import socket,time; s=socket.socket(); "
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); "
            "s.bind(('0.0.0.0', 25565)); s.listen(8); time.sleep(120)")


class ComputerHome:
    """The network, its probe server, optionally an app listening on 25565, and the home
    computer with its firewall: home-computer.py in the lan namespace, in a mount and
    PID namespace of its own, which runs what it is sent (see there)."""

    def __init__(self, helper, portierctl, policy, bus_policy, probe_server, app=True):
        self.programs = (helper, portierctl, policy, bus_policy)
        self.probe_server = probe_server
        self.with_app = app

    def __enter__(self):
        try:
            return self.start()
        except BaseException:
            # A half-built home is taken down too: nothing may stay behind.
            self.__exit__(None, None, None)
            raise

    def start(self):
        self.procs = []
        self.computer = None
        self.state = None
        self.net = Network().__enter__()
        self.state = tempfile.mkdtemp(prefix="portier-state-")
        self.procs.append(self.net.popen("wan", self.probe_server, "--listen",
                                         f"{self.net['PROBE_IP']}:{PROBE_PORT}",
                                         stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL))
        if self.with_app:
            self.procs.append(self.net.popen("lan", PYTHON, "-c", LISTENER))
        self.computer = subprocess.Popen(
            ["ip", "netns", "exec", self.net["NS_LAN"], "unshare", "--mount", "--pid",
             "--fork", "--mount-proc", "--propagation", "private", "--kill-child",
             PYTHON, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                  "home-computer.py"), *self.programs, self.state],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env=dict(os.environ, PORTIER_TEST_IN_NAMESPACE="1",
                     PORTIER_PROBE_SERVER=f"http://{self.net['PROBE_IP']}:{PROBE_PORT}",
                     PORTIER_NETWORK_SOURCE="kernel"))
        ready = self.computer.stdout.readline()
        if not ready:
            raise RuntimeError("the home computer did not start: " + self.computer.stderr.read())
        time.sleep(0.3)
        return self

    def __exit__(self, *exc):
        if self.computer is not None:
            self.computer.stdin.close()
            try:
                self.computer.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.computer.kill()
                self.computer.wait()
        for proc in self.procs:
            proc.kill()
            proc.wait()
        if self.state is not None:
            shutil.rmtree(self.state, ignore_errors=True)
        if getattr(self, "net", None) is not None:
            self.net.__exit__(*exc)
        return False

    def send(self, command):
        """One command to the computer (see home-computer.py), and its answer."""
        self.computer.stdin.write(json.dumps(command) + "\n")
        self.computer.stdin.flush()
        line = self.computer.stdout.readline()
        if not line:
            raise RuntimeError("the home computer ended: " + self.computer.stderr.read())
        return json.loads(line)

    def portierctl(self, *args, status=None):
        answer = self.send(list(args))
        if status is not None:
            assert answer["status"] == status, (args, answer)
        assert "CRITICAL" not in answer["stderr"], answer["stderr"]
        return answer

    def json(self, *args, status=0):
        answer = self.portierctl(*args, "--json", status=status)
        return json.loads(answer["stdout"]), answer["ruleset"]


def configure(portierctl, probe_server):
    """The programs under test: portierctl, and the probe server for the internet."""
    global PORTIERCTL, PROBE_SERVER
    PORTIERCTL = portierctl
    PROBE_SERVER = probe_server
