#!/usr/bin/python3
# The router benchmark: portierctl open 25565/tcp --no-firewall --no-verify, cold (no
# remembered router) and warm, against upnpc -e test -a LAN-IP 25565 25565 TCP on the
# same router. Runs inside the lan node of the simulated home network (tools/bench runs
# it there); prints medians and ratios. Bounded: a fixed number of runs of each.
#
#   router.py PORTIERCTL
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = {"cold": 7, "warm": 15, "upnpc": 5}
TARGETS = {"cold": 0.5, "warm": 0.05}   # at most this share of upnpc's time


def timed(argv, env=None):
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return elapsed


def quiet(argv, env=None):
    subprocess.run(argv, capture_output=True, env=env, timeout=60, check=True)


def main():
    portierctl = sys.argv[1]
    lan_ip = os.environ["TESTBED_LAN_IP"]
    url = os.environ["TESTBED_ROUTER_URL"]
    home = tempfile.mkdtemp(prefix="portier-bench-")
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(home, "cache"),
               XDG_STATE_HOME=os.path.join(home, "state"))
    open_cmd = [portierctl, "open", "25565/tcp", "--no-firewall", "--no-verify"]
    close_cmd = [portierctl, "close", "25565/tcp"]
    times = {name: [] for name in RUNS}

    try:
        # Interleaved, so load on the machine hits every kind alike.
        for i in range(max(RUNS.values())):
            if i < RUNS["cold"]:
                shutil.rmtree(home, ignore_errors=True)
                times["cold"].append(timed(open_cmd, env))
                quiet(close_cmd, env)
            if i < RUNS["warm"]:
                if i == 0:
                    quiet(open_cmd, env)   # remembers the router
                    quiet(close_cmd, env)
                times["warm"].append(timed(open_cmd, env))
                quiet(close_cmd, env)
            if i < RUNS["upnpc"]:
                times["upnpc"].append(timed(["upnpc", "-e", "test", "-a", lan_ip, "25565",
                                             "25565", "TCP"]))
                quiet(["upnpc", "-u", url, "-d", "25565", "TCP"])
    finally:
        shutil.rmtree(home, ignore_errors=True)

    medians = {name: statistics.median(values) * 1000 for name, values in times.items()}
    labels = {
        "cold": "portierctl open 25565/tcp, cold (no remembered router)",
        "warm": "portierctl open 25565/tcp, warm (router remembered)",
        "upnpc": f"upnpc -e test -a {lan_ip} 25565 25565 TCP",
    }
    for name in ("cold", "warm", "upnpc"):
        low, high = min(times[name]) * 1000, max(times[name]) * 1000
        print(f"router: {labels[name]:<56} median {medians[name]:8.1f} ms "
              f"({len(times[name])} runs, {low:.1f}-{high:.1f})")
    missed = 0
    for name, target in TARGETS.items():
        ratio = medians[name] / medians["upnpc"]
        verdict = "met" if ratio <= target else "MISSED"
        missed += ratio > target
        print(f"router: {name} / upnpc = {ratio:.3f}  (target <= {target}: {verdict})")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
