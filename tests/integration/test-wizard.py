#!/usr/bin/python3
# The wizard, end to end, in the simulated home network: the real app's pages driven by
# tests/ui/test-e2e on the "lan" computer, with its own X server there, a real router
# (miniupnpd) and the probe server in the internet.
#
#   test-wizard.py TEST_E2E PROBE_SERVER [TEST…]
#
# - open and close: Minecraft (Java) → open → the result page shows the router's WAN
#   address and port, reachable from the internet; "Ports I opened" → Close, and the
#   router, the ledger and the internet agree that nothing is left open
# - carrier-grade NAT: the wizard ends in the troubleshooter, which lists `cgnat` after
#   the app that is not running (start it first), and nothing is left on the router
# - all or nothing: an app with two ports whose second is another device's on the router;
#   the first is closed again, and only the other device's forward is left
# - a router without UPnP (an AVM hardware address): the troubleshooter leads to the
#   guide, which names the FRITZ!Box and gives this computer's address, the port and the
#   protocol; the forward is made by hand in the router (nft DNAT and accept), and
#   "Check again" leads to the result page, reachable
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from home import APP  # noqa: E402
from testbed import Network, PYTHON, main, test  # noqa: E402

TEST_E2E = os.path.abspath(sys.argv.pop(1))
PROBE_SERVER = os.path.abspath(sys.argv.pop(1))
PROBE_PORT = 8180
BUILD = os.path.dirname(os.path.dirname(os.path.dirname(TEST_E2E)))


class Home(Network):
    """A home network with the probe server in the internet, and an X server on lan."""

    def __enter__(self):
        super().__enter__()
        self.procs = []
        self.state = tempfile.mkdtemp(prefix="portier-wizard-")
        probe = self.popen("wan", PROBE_SERVER, "--listen", f"{self['PROBE_IP']}:{PROBE_PORT}",
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.procs.append(probe)
        self.display = self.start_x()
        self.wait_for_probe()
        return self

    def __exit__(self, *exc):
        for proc in self.procs:
            proc.kill()
            proc.wait()
        shutil.rmtree(self.state, ignore_errors=True)
        return super().__exit__(*exc)

    def start_x(self):
        # A display number nobody uses; its lock file says who has it.
        for number in range(180, 260):
            if not os.path.exists(f"/tmp/.X{number}-lock"):
                break
        proc = self.popen("lan", "Xvfb", f":{number}", "-screen", "0", "1280x1024x24",
                          "-nolisten", "tcp", stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
        self.procs.append(proc)
        for _ in range(100):
            if os.path.exists(f"/tmp/.X11-unix/X{number}"):
                return f":{number}"
            time.sleep(0.05)
        raise RuntimeError("Xvfb did not start")

    def wait_for_probe(self):
        for _ in range(100):
            if self.run("wan", PYTHON, "-c",
                        "import socket,sys; socket.create_connection((sys.argv[1], "
                        "int(sys.argv[2])), 0.2)", self["PROBE_IP"], str(PROBE_PORT),
                        check=False).returncode == 0:
                return
            time.sleep(0.05)
        raise RuntimeError("the probe server did not start")

    def wizard_env(self):
        return {
            "DISPLAY": self.display,
            "PORTIER_PROBE_SERVER": f"http://{self['PROBE_IP']}:{PROBE_PORT}",
            "PORTIER_STATE_DIR": self.state,
            "XDG_CACHE_HOME": os.path.join(self.state, "cache"),
            "PORTIER_NETWORK_SOURCE": "kernel",
            "GSETTINGS_BACKEND": "memory",
            "GSETTINGS_SCHEMA_DIR": os.path.join(BUILD, "data"),
            "GTK_A11Y": "none",
            "NO_AT_BRIDGE": "1",
            "ADW_DISABLE_PORTAL": "1",
            # test-e2e makes every warning fatal itself, save the opener's expected one.
            "G_DEBUG": "gc-friendly",
            "PORTIER_SCREENSHOT_DIR": os.path.join(BUILD, "screenshots"),
        }

    def wizard(self, *args):
        proc = self.run("lan", TEST_E2E, *args, check=False, timeout=180,
                        env=self.wizard_env())
        show_output(proc.stdout + proc.stderr)
        assert proc.returncode == 0, f"test-e2e {' '.join(args)} exited {proc.returncode}"

    def app(self, port=25565):
        """The app the port is for, listening on lan."""
        proc = self.popen("lan", PYTHON, "-u", "-c", APP, "0.0.0.0", str(port),
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdout.readline().strip() == b"ready"
        self.procs.append(proc)

    def ledger_entries(self):
        path = os.path.join(self.state, "openings.json")
        if not os.path.exists(path):
            return []
        import json
        with open(path) as f:
            return json.load(f)["openings"]


def show_output(text):
    for line in text.splitlines():
        if not line.startswith("# ") or "DEBUG" not in line:
            print(f"#   {line}", flush=True)


def portier_mappings(net):
    return [m for m in net.router_mappings() if m["description"].startswith("Portier")]


@test
def open_and_close():
    with Home("--wan", "public") as net:
        net.wizard("open", net["PUBLIC_IP"])
        # Closed from "Ports I opened": nothing on the router, nothing in the ledger,
        # and the internet no longer gets through.
        assert portier_mappings(net) == [], net.router_mappings()
        assert net.ledger_entries() == [], net.ledger_entries()
        assert not net.reaches(25565), "port 25565 is still reachable after closing"


@test
def carrier_grade_nat():
    with Home("--wan", "cgnat") as net:
        net.wizard("cgnat")
        # The failed opening left nothing behind.
        assert portier_mappings(net) == [], net.router_mappings()
        assert net.ledger_entries() == [], net.ledger_entries()


@test
def all_or_nothing():
    with Home("--wan", "public", "--other-host-mapping", "22000/udp") as net:
        net.wizard("all-or-nothing")
        # Syncthing's TCP port was forwarded first; the UDP port is lan2's, so the opening
        # failed and the TCP forward went again. lan2's forward is untouched.
        assert portier_mappings(net) == [], net.router_mappings()
        left = [(m["external_port"], m["protocol"], m["internal_client"])
                for m in net.router_mappings()]
        assert left == [(22000, "udp", net["LAN2_IP"])], left
        assert net.ledger_entries() == [], net.ledger_entries()


AVM_MAC = "00:04:0e:12:34:56"   # AVM GmbH's prefix in the IEEE registry (FRITZ!Box)


@test
def guide_through_a_forward_by_hand():
    with Home("--upnp", "off", "--natpmp", "off", "--router-mac", AVM_MAC) as net:
        net.app()
        flag = os.path.join(net.state, "forwarded")
        proc = net.popen("lan", TEST_E2E, "guide", net["LAN_IP"], net["PUBLIC_IP"], flag,
                         env=dict(os.environ, LC_ALL="C.UTF-8", **net.wizard_env()),
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        output = []
        try:
            # The app waits at the guide's forward step for the person to make it.
            for line in proc.stdout:
                output.append(line)
                if line.strip() == "forward now":
                    break
            assert output and output[-1].strip() == "forward now", "".join(output)
            net.run("rtr", "nft", "add", "rule", "inet", "filter", "prerouting", "iifname",
                    "wan0", "tcp", "dport", "25565", "dnat", "ip", "to",
                    f"{net['LAN_IP']}:25565")
            net.run("rtr", "nft", "add", "rule", "inet", "filter", "forward", "ip", "daddr",
                    net["LAN_IP"], "tcp", "dport", "25565", "accept")
            open(flag, "w").close()
            output.append(proc.stdout.read())
            proc.wait(timeout=180)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            show_output("".join(output))
        assert proc.returncode == 0, f"test-e2e guide exited {proc.returncode}"
        # Portier made nothing on the router or in its ledger: the forward is the person's.
        assert net.ledger_entries() == [], net.ledger_entries()


if __name__ == "__main__":
    sys.exit(main())
