#!/usr/bin/python3
# The computer of the simulated home network with a real host firewall: run inside the
# testbed's lan namespace (in a mount and PID namespace of its own), it sets an nftables
# drop policy, starts a private system bus with the real polkitd and portier-helper, then
# runs the commands it reads on standard input, one JSON value a line, and answers each
# with one JSON line:
#   [ARGS…]                          portierctl ARGS: {"status", "stdout", "stderr",
#                                    "ruleset"}
#   {"start": NAME, "argv": [...], "env": {...}}
#                                    starts a program that runs on (an X server, a
#                                    session bus, the app), its output kept: {"pid"}
#   {"call": [...], "env": {...}}    runs a program to its end: as for portierctl
#   {"output": NAME}                 what NAME wrote so far: {"text"}
#   {"kill": NAME}                   SIGKILL, and waits for it: {"ruleset"}
#   {"ruleset": true}                {"ruleset"}
# Every program runs with the private system bus and Portier's state folder; programs
# still running at the end are asked to end (SIGTERM), then killed.
#
#   home-computer.py HELPER PORTIERCTL POLICY BUS_POLICY STATE_DIR
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import portiertest as pt  # noqa: E402

HELPER, PORTIERCTL, POLICY, BUS_POLICY, STATE = sys.argv[1:6]

# What a careful home computer has: nothing comes in that it did not ask for, except the
# router's answers to a search for routers (SSDP answers come from another address than
# the search went to, so connection tracking cannot match them; firewalld's upnp-client
# service does the same).
RULESET = """
table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    iif "lo" accept
    meta l4proto ipv6-icmp accept
    udp sport 1900 accept
  }
}
"""

pt.private_filesystems()
os.makedirs(pt.WORK, exist_ok=True)
pt.run("nft", "-f", "-", input=RULESET)
world = pt.World(HELPER, POLICY, BUS_POLICY)
world.start_helper()
print(json.dumps({"ready": True}), flush=True)

started = {}


def environment(extra=None):
    return dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=pt.BUS_ADDRESS, PORTIER_STATE_DIR=STATE,
                XDG_CACHE_HOME=os.path.join(STATE, "cache"), LC_ALL="C.UTF-8",
                **(extra or {}))


def ran(argv, extra_env=None):
    proc = subprocess.run(argv, capture_output=True, text=True, env=environment(extra_env),
                          timeout=120)
    return {"status": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr,
            "ruleset": pt.nft_ruleset()}


def output_path(name):
    return os.path.join(pt.WORK, f"{name}.out")


def answer(command):
    if isinstance(command, list):
        return ran([PORTIERCTL, *command])
    if "start" in command:
        with open(output_path(command["start"]), "w") as out:
            proc = subprocess.Popen(command["argv"], stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT,
                                    env=environment(command.get("env")))
        started[command["start"]] = proc
        return {"pid": proc.pid}
    if "call" in command:
        return ran(command["call"], command.get("env"))
    if "output" in command:
        with open(output_path(command["output"])) as f:
            return {"text": f.read()}
    if "kill" in command:
        proc = started.pop(command["kill"])
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return {"ruleset": pt.nft_ruleset()}
    if "ruleset" in command:
        return {"ruleset": pt.nft_ruleset()}
    raise ValueError(f"unknown command {command}")


for line in sys.stdin:
    print(json.dumps(answer(json.loads(line))), flush=True)

# Asked to end first, so that an X server takes its lock file and socket in /tmp along.
for proc in reversed(list(started.values())):
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
world.stop_helper()
