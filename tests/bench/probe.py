#!/usr/bin/python3
# portier-probe-server under load, on loopback only, bounded in count and time (about
# 45 s in all):
#   throughput: 16, then 64 clients probing in a loop for 10 s each (bench-probe, one
#     epoll thread: HTTP request, the server connects back, the token, the verdict);
#   pending: as many probes at once as the server allows (10,000 when the file
#     descriptor limit has room: each pending probe holds two), toward a port that never
#     answers: how many the server holds, how many it turns away with 503, its memory.
# Targets: >= 2,000 TCP probes/s, resident memory < 30 MB while doing so; under the
# pending load, the limit holds (never more pending than allowed, the rest get 503).
#
#   probe.py BUILD_DIR
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import resource
import select
import subprocess
import sys
import tempfile
import time

BUILD = os.path.abspath(sys.argv[1])
SERVER = os.path.join(BUILD, "src", "probe", "portier-probe-server")
LOAD = os.path.join(BUILD, "tests", "bench-probe")

# Every request comes from 127.0.0.1: the per-address limits step aside, the totals are
# what is measured.
CONFIG = """
[limits]
requests-per-minute=1000000
request-burst=1000000
prefix-requests-per-minute=1000000
prefix-request-burst=1000000
max-pending-probes-per-address=1000000
max-connections-per-address=1000000
max-pending-probes={pending}
max-connections={connections}
connect-timeout-ms={connect_ms}
request-timeout-ms=30000
"""


class Server:
    def __init__(self, pending, connections, connect_ms):
        self.config = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
        self.config.write(CONFIG.format(pending=pending, connections=connections,
                                        connect_ms=connect_ms))
        self.config.close()
        self.proc = subprocess.Popen([SERVER, "--listen", "127.0.0.1:0", "--config",
                                      self.config.name], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], 10)
        line = self.proc.stdout.readline() if ready else ""
        if "listening on" not in line:
            raise RuntimeError(f"the probe server did not start: {self.proc.stderr.read()}")
        self.address = line.split("listening on ")[1].strip()

    def memory_kb(self, field):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
        return -1

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)
        os.unlink(self.config.name)


def load(*args):
    proc = subprocess.run([LOAD, *args], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"bench-probe {args} failed: {proc.stdout}{proc.stderr}")
    fields = {}
    for line in proc.stdout.split():
        key, _, value = line.partition("=")
        if value:
            fields[key] = float(value)
    return fields, proc.stdout.strip()


def main():
    met = True

    print("== throughput (TCP probes over loopback; server and load on the same 2 cores)")
    server = Server(10000, 12000, 5000)
    try:
        idle = server.memory_kb("VmRSS")
        rates = []
        for clients in (16, 64):
            fields, text = load("throughput", "--server", server.address, "--clients",
                                str(clients), "--seconds", "10")
            print(text)
            rates.append(fields["probes_per_second"])
            if fields["failed"] > 0:
                met = False
        peak = server.memory_kb("VmHWM")
    finally:
        server.stop()
    best = max(rates)
    print(f"server resident memory: idle {idle / 1024:.1f} MB, peak {peak / 1024:.1f} MB")
    ok = best >= 2000
    print(f"probes per second: {best:.0f}   target >= 2000   {'met' if ok else 'NOT met'}")
    met &= ok
    ok = peak < 30 * 1024
    print(f"peak memory: {peak / 1024:.1f} MB   target < 30 MB   {'met' if ok else 'NOT met'}")
    met &= ok

    # Each pending probe holds two descriptors in the server (the client's connection and
    # the probe's socket).
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    pending = 10000
    if hard != resource.RLIM_INFINITY and 2 * pending + 1000 > hard:
        pending = (hard - 1000) // 2
        print(f"note: the file descriptor limit here is {hard}: {pending} pending probes "
              f"at most")
    connections = pending + 800
    print(f"== pending: {connections} probes at once, toward a port that never answers; "
          f"the server allows {pending} pending")
    server = Server(pending, connections, 8000)
    try:
        fields, text = load("pending", "--server", server.address, "--count",
                            str(connections), "--server-pid", str(server.proc.pid))
        print(text)
        time.sleep(11)
        after = server.memory_kb("VmRSS")
    finally:
        server.stop()
    print(f"server resident memory 10 s after the load: {after / 1024:.1f} MB")
    ok = fields["timeout"] <= pending and fields["turned_away_503"] >= connections - pending \
        and fields["other"] == 0
    print(f"pending probes answered: {fields['timeout']:.0f} (limit {pending}), turned "
          f"away: {fields['turned_away_503']:.0f}   target: the limit holds   "
          f"{'met' if ok else 'NOT met'}")
    met &= ok
    print(f"memory at the peak of the pending load: "
          f"{fields['server_rss_at_peak_kb'] / 1024:.0f} MB for "
          f"{fields['pending_at_peak']:.0f} open requests")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
