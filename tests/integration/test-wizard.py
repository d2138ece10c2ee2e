#!/usr/bin/python3
# The wizard, end to end, in the simulated home network: the real app's pages driven by
# tests/ui/test-e2e on the "lan" computer, with its own X server there, a real router
# (miniupnpd) and the probe server in the internet.
#
#   test-wizard.py TEST_E2E PROBE_SERVER PORTIER PORTIERCTL [TEST…]
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
# - at login (the real app started as a service, as its autostart entry does): a forward
#   "until I close it" that the router forgot (miniupnpd restarted) is put back, one whose
#   time ended while the computer was off is removed, and another program's forward
#   (recorded as kept by it) is never added, renewed or removed; then the service ends
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from home import APP  # noqa: E402
from testbed import Network, PYTHON, free_display, main, test  # noqa: E402

TEST_E2E = os.path.abspath(sys.argv.pop(1))
PROBE_SERVER = os.path.abspath(sys.argv.pop(1))
PORTIER = os.path.abspath(sys.argv.pop(1))
PORTIERCTL = os.path.abspath(sys.argv.pop(1))
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
        # Asked to end first, so that the X server takes its lock file and socket along.
        for proc in self.procs:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(self.state, ignore_errors=True)
        return super().__exit__(*exc)

    def start_x(self):
        number = free_display()
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

    def app_env(self):
        return {
            "DISPLAY": self.display,
            "PORTIER_PROBE_SERVER": f"http://{self['PROBE_IP']}:{PROBE_PORT}",
            "PORTIER_STATE_DIR": self.state,
            "XDG_CACHE_HOME": os.path.join(self.state, "cache"),
            "XDG_CONFIG_HOME": os.path.join(self.state, "config"),
            "PORTIER_NETWORK_SOURCE": "kernel",
            "GSETTINGS_BACKEND": "memory",
            "GSETTINGS_SCHEMA_DIR": os.path.join(BUILD, "data"),
            "GTK_A11Y": "none",
            "NO_AT_BRIDGE": "1",
            "ADW_DISABLE_PORTAL": "1",
        }

    def wizard_env(self):
        return dict(self.app_env(),
                    # test-e2e makes every warning fatal itself, save the opener's
                    # expected one.
                    G_DEBUG="gc-friendly",
                    PORTIER_SCREENSHOT_DIR=os.path.join(BUILD, "screenshots"))

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

    def portierctl(self, *args):
        proc = self.run("lan", PORTIERCTL, *args, "--json", check=False, timeout=60,
                        env=self.app_env())
        assert proc.returncode == 0, (args, proc.stdout, proc.stderr[-2000:])
        return json.loads(proc.stdout)

    def login(self):
        """Portier as its autostart entry starts it: a service, no window; it ends by
        itself when nothing needs it running."""
        env = dict(self.app_env(), G_MESSAGES_DEBUG="portier-router")
        start = time.monotonic()
        proc = self.run("lan", "dbus-run-session", "--", PORTIER, "--gapplication-service",
                        check=False, timeout=120, env=env)
        assert proc.returncode == 0, (proc.returncode, proc.stderr[-3000:])
        print(f"# the login run took {time.monotonic() - start:.1f} s", flush=True)
        return proc

    def ledger_entries(self):
        path = os.path.join(self.state, "openings.json")
        if not os.path.exists(path):
            return []
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


def mapping(net, port):
    return [(m["internal_client"], m["description"]) for m in net.router_mappings()
            if m["external_port"] == port and m["protocol"] == "tcp"]


@test
def at_login_forgotten_forwards_come_back_and_ended_ones_go():
    with Home("--wan", "public") as net:
        # Another program on this computer forwards 5300 itself; Portier records it as
        # kept by that program.
        net.upnpc("-e", "Some App", "-a", net["LAN_IP"], "5300", "5300", "TCP")
        other = net.portierctl("open", "5300", "--permanent", "--no-firewall", "--no-verify")
        assert other["router"]["status"] == "already-forwarded", other
        kept = net.portierctl("open", "5100", "--permanent", "--no-firewall", "--no-verify")
        assert kept["router"]["status"] == "mapped" and kept["router"]["permanent"], kept

        # The router restarts and forgets every forward, the other program's too.
        net.router("restart")
        assert mapping(net, 5100) == [] and mapping(net, 5300) == [], net.router_mappings()

        # Open for an hour, and the computer was off past its end: the ledger says it
        # ended; the router still has it.
        ended = net.portierctl("open", "5200", "--lease", "3600", "--no-firewall",
                               "--no-verify")
        assert ended["router"]["status"] == "mapped", ended
        path = os.path.join(net.state, "openings.json")
        with open(path) as f:
            doc = json.load(f)
        for entry in doc["openings"]:
            if entry["id"] == ended["id"]:
                entry["expires"] = int(time.time()) - 60
        with open(path, "w") as f:
            json.dump(doc, f)
        assert len(mapping(net, 5200)) == 1

        proc = net.login()
        # Back, pointing at this computer, as Portier's.
        back = mapping(net, 5100)
        assert len(back) == 1 and back[0][0] == net["LAN_IP"], (back, proc.stderr[-3000:])
        assert back[0][1].startswith("Portier"), back
        assert net.reaches(5100)
        # Ended: gone from the router and the ledger.
        assert mapping(net, 5200) == [], net.router_mappings()
        ids = [o["id"] for o in net.ledger_entries()]
        assert sorted(ids) == sorted([kept["id"], other["id"]]), ids
        # Not Portier's: not put back (nor touched otherwise).
        assert mapping(net, 5300) == [], net.router_mappings()

        # Something needs Portier at the next login still (5100): the entry stays.
        folder = os.path.join(net.state, "config", "autostart")
        entries = os.listdir(folder)
        assert len(entries) == 1 and entries[0].endswith("-autostart.desktop"), entries
        autostart = os.path.join(folder, entries[0])
        with open(autostart) as f:
            assert f"Exec={PORTIER} --gapplication-service\n" in f.read()

        # Once nothing of Portier's is left open, Portier does nothing at login.
        net.portierctl("close", kept["id"])
        net.portierctl("close", other["id"])
        net.login()
        assert not os.path.exists(autostart)
        assert portier_mappings(net) == [], net.router_mappings()


if __name__ == "__main__":
    sys.exit(main())
