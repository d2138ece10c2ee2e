#!/usr/bin/python3
# The computer of the simulated home network with a real host firewall: run inside the
# testbed's lan namespace (in a mount and PID namespace of its own), it sets an nftables
# drop policy, starts a private system bus with the real polkitd and portier-helper, then
# runs the portierctl commands it reads on standard input, one JSON list a line, and
# answers each with one JSON line: {"status", "stdout", "stderr", "ruleset"}.
#
#   home-computer.py HELPER PORTIERCTL POLICY BUS_POLICY STATE_DIR
#
# SPDX-License-Identifier: GPL-3.0-or-later

import json
import os
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

for line in sys.stdin:
    args = json.loads(line)
    env = dict(os.environ, DBUS_SYSTEM_BUS_ADDRESS=pt.BUS_ADDRESS, PORTIER_STATE_DIR=STATE,
               XDG_CACHE_HOME=os.path.join(STATE, "cache"), LC_ALL="C.UTF-8")
    proc = subprocess.run([PORTIERCTL, *args], capture_output=True, text=True, env=env,
                          timeout=120)
    print(json.dumps({"status": proc.returncode, "stdout": proc.stdout,
                      "stderr": proc.stderr, "ruleset": pt.nft_ruleset()}), flush=True)

world.stop_helper()
