#!/usr/bin/python3
# The router benchmark: portierctl open 25565/tcp --no-firewall --no-verify, cold (no
# remembered router) and warm, against upnpc -e test -a LAN-IP 25565 25565 TCP on the
# same router; and warm on a dual-stack network (the same miniupnpd with IPv6 pinholes),
# against warm on the IPv4-only one. It sets up its own simulated home networks (root);
# the timed commands run inside their lan node, in batches that take turns (IPv4-only and
# dual-stack warm alternate run by run), so load on the machine hits every kind alike.
# Prints medians and ratios, and the load average before and after. Bounded: a fixed number
# of runs of each.
#
#   router.py BUILD_DIR
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
from testbed import Network, PYTHON  # noqa: E402

ROUNDS = 7
BATCH = {"cold": 2, "warm": 3, "upnpc": 1, "dual-warm": 3}
TARGETS = {"cold": 0.5, "warm": 0.05}   # at most this share of upnpc's time
DUAL_TARGET = 1.10                      # dual-stack warm: within 10% of IPv4-only warm


# ---------------------------------------------------------------- inside the lan node

def timed(argv, env=None):
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return elapsed


def quiet(argv, env=None):
    subprocess.run(argv, capture_output=True, env=env, timeout=60, check=True)


def measure(portierctl, kind, runs):
    """One batch, inside lan: prints the times (seconds) as JSON."""
    env = dict(os.environ)
    open_cmd = [portierctl, "open", "25565/tcp", "--no-firewall", "--no-verify"]
    close_cmd = [portierctl, "close", "25565/tcp"]
    times = []
    for _ in range(runs):
        if kind == "cold":
            shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)
            times.append(timed(open_cmd, env))
            quiet(close_cmd, env)
        elif kind == "warm":
            times.append(timed(open_cmd, env))
            quiet(close_cmd, env)
        elif kind == "prime":
            quiet(open_cmd, env)   # remembers the router
            quiet(close_cmd, env)
        else:
            times.append(timed(["upnpc", "-e", "test", "-a", env["TESTBED_LAN_IP"], "25565",
                                "25565", "TCP"]))
            quiet(["upnpc", "-u", env["TESTBED_ROUTER_URL"], "-d", "25565", "TCP"])
    print(json.dumps(times))


# ---------------------------------------------------------------- outside

class Home:
    """A network and Portier's own cache and state folders for it."""

    def __init__(self, net, portierctl):
        self.net = net
        self.portierctl = portierctl
        self.home = tempfile.mkdtemp(prefix="portier-bench-")
        self.env = {"XDG_CACHE_HOME": os.path.join(self.home, "cache"),
                    "XDG_STATE_HOME": os.path.join(self.home, "state"),
                    **{f"TESTBED_{key}": net[key] for key in ("LAN_IP", "ROUTER_URL")}}

    def batch(self, kind, runs):
        proc = self.net.run("lan", PYTHON, os.path.abspath(__file__), "--measure",
                            self.portierctl, kind, str(runs), env=self.env, timeout=300)
        return json.loads(proc.stdout)

    def close(self):
        shutil.rmtree(self.home, ignore_errors=True)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        measure(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return 0
    if os.geteuid() != 0:
        print("the simulated home network needs root")
        return 2
    portierctl = os.path.join(os.path.abspath(sys.argv[1]), "src", "cli", "portierctl")
    times = {name: [] for name in BATCH}
    load_before = os.getloadavg()

    with Network() as net4, Network("--ipv6", "on") as net6:
        ipv4, dual = Home(net4, portierctl), Home(net6, portierctl)
        try:
            ipv4.batch("prime", 1)
            dual.batch("prime", 1)
            for _ in range(ROUNDS):
                times["cold"] += ipv4.batch("cold", BATCH["cold"])
                # The remembered router is gone after a cold run: remember it again.
                ipv4.batch("prime", 1)
                # IPv4-only and dual-stack one run each in turn, so that the load of
                # the moment falls on both alike: their medians are compared.
                for _ in range(BATCH["warm"]):
                    times["warm"] += ipv4.batch("warm", 1)
                    times["dual-warm"] += dual.batch("warm", 1)
                times["upnpc"] += ipv4.batch("upnpc", BATCH["upnpc"])
        finally:
            ipv4.close()
            dual.close()

    print(f"router: load average {load_before} before, {os.getloadavg()} after")
    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    labels = {
        "cold": "portierctl open 25565/tcp, cold (no remembered router)",
        "warm": "portierctl open 25565/tcp, warm (router remembered)",
        "dual-warm": "portierctl open 25565/tcp, warm, dual-stack (IPv6 too)",
        "upnpc": "upnpc -e test -a LAN-IP 25565 25565 TCP",
    }
    for name in ("cold", "warm", "dual-warm", "upnpc"):
        low, high = min(times[name]) * 1000, max(times[name]) * 1000
        print(f"router: {labels[name]:<56} median {medians[name]:8.1f} ms "
              f"({len(times[name])} runs, {low:.1f}-{high:.1f})")
    missed = 0
    for name, target in TARGETS.items():
        ratio = medians[name] / medians["upnpc"]
        verdict = "met" if ratio <= target else "MISSED"
        missed += ratio > target
        print(f"router: {name} / upnpc = {ratio:.3f}  (target <= {target}: {verdict})")
    ratio = medians["dual-warm"] / medians["warm"]
    verdict = "met" if ratio <= DUAL_TARGET else "MISSED"
    missed += ratio > DUAL_TARGET
    print(f"router: dual-stack warm / IPv4-only warm = {ratio:.3f}  "
          f"(target <= {DUAL_TARGET}: {verdict})")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
