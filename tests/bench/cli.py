#!/usr/bin/python3
# The whole job from the command line, timed in the simulated home network:
#   full `portierctl open 25565/tcp` cold (no remembered router) and warm,
#   `portierctl diagnose` on a healthy network and with every peer silent,
#   and `upnpc -a` (router only) on the same router as the reference.
# Targets: open warm <= 10% of upnpc, cold <= 60%; diagnose <= 1 s healthy, <= 4 s silent.
#
#   cli.py BUILD_DIR
#
# SPDX-License-Identifier: GPL-3.0-or-later

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

BUILD = os.path.abspath(sys.argv[1])
PORTIERCTL = os.path.join(BUILD, "src", "cli", "portierctl")
PROBE_SERVER = os.path.join(BUILD, "src", "probe", "portier-probe-server")
RUNS = 7
PROBE_PORT = 8180


def timed(net, env, *argv):
    start = time.monotonic()
    proc = net.run("lan", *argv, check=False, env=env, timeout=60)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{argv} failed: {proc.stdout}\n{proc.stderr}")
    return seconds


def median_ms(values):
    return statistics.median(values) * 1000


def main():
    if os.geteuid() != 0:
        print("the simulated home network needs root")
        return 2

    results = {}
    with Network() as net:
        probe = net.popen("wan", PROBE_SERVER, "--listen", f"{net['PROBE_IP']}:{PROBE_PORT}",
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        app = net.popen("lan", PYTHON, "-c",
                        "import socket,time; s=socket.socket(); s.bind(('0.0.0.0',25565)); "
                        "s.listen(64); time.sleep(600)")
        time.sleep(0.5)
        state = tempfile.mkdtemp(prefix="portier-bench-")
        env = {"PORTIER_PROBE_SERVER": f"http://{net['PROBE_IP']}:{PROBE_PORT}",
               "PORTIER_STATE_DIR": state, "XDG_CACHE_HOME": os.path.join(state, "cache"),
               "PORTIER_NETWORK_SOURCE": "kernel"}
        try:
            upnpc, cold, warm = [], [], []
            for _ in range(RUNS):
                upnpc.append(timed(net, env, "upnpc", "-e", "bench", "-a", net["LAN_IP"],
                                   "25565", "25565", "TCP"))
                net.run("lan", "upnpc", "-d", "25565", "TCP", check=False)

                shutil.rmtree(os.path.join(state, "cache"), ignore_errors=True)
                cold.append(timed(net, env, PORTIERCTL, "open", "25565/tcp", "--no-firewall"))
                timed(net, env, PORTIERCTL, "close", "--all")
                warm.append(timed(net, env, PORTIERCTL, "open", "25565/tcp", "--no-firewall"))
                timed(net, env, PORTIERCTL, "close", "--all")

            timed(net, env, PORTIERCTL, "open", "25565/tcp", "--no-firewall", "--no-verify")
            healthy = [timed(net, env, PORTIERCTL, "diagnose", "25565/tcp")
                       for _ in range(RUNS)]
            timed(net, env, PORTIERCTL, "close", "--all")
            results.update(upnpc=upnpc, cold=cold, warm=warm, healthy=healthy)
        finally:
            app.kill()
            probe.kill()
            shutil.rmtree(state, ignore_errors=True)

    # Every peer silent: no UPnP, no NAT-PMP, and no probe server at all.
    with Network("--upnp", "off", "--natpmp", "off") as net:
        state = tempfile.mkdtemp(prefix="portier-bench-")
        env = {"PORTIER_PROBE_SERVER": f"http://{net['PROBE_IP']}:{PROBE_PORT}",
               "PORTIER_STATE_DIR": state, "XDG_CACHE_HOME": os.path.join(state, "cache"),
               "PORTIER_NETWORK_SOURCE": "kernel"}
        try:
            results["silent"] = [timed(net, env, PORTIERCTL, "diagnose", "25565/tcp")
                                 for _ in range(3)]
        finally:
            shutil.rmtree(state, ignore_errors=True)

    upnpc = median_ms(results["upnpc"])
    rows = [
        ("upnpc -a (router only)", upnpc, None, None),
        ("portierctl open, cold", median_ms(results["cold"]), upnpc * 0.60, "<= 60% of upnpc"),
        ("portierctl open, warm", median_ms(results["warm"]), upnpc * 0.10, "<= 10% of upnpc"),
        ("portierctl diagnose, healthy", median_ms(results["healthy"]), 1000, "<= 1 s"),
        ("portierctl diagnose, all silent", median_ms(results["silent"]), 4000, "<= 4 s"),
    ]
    met = True
    print(f"{'measurement':34} {'median':>10} {'ratio':>8}  target")
    for name, value, limit, target in rows:
        ratio = f"{value / upnpc:7.0%}" if name.startswith("portierctl open") else ""
        verdict = "" if limit is None else ("met" if value <= limit else "NOT met")
        if limit is not None and value > limit:
            met = False
        print(f"{name:34} {value:8.0f} ms {ratio:>8}  {target or ''} {verdict}")
    print(f"({RUNS} runs each; medians)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
