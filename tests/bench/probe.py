#!/usr/bin/python3
# portier-probe-server under load, on loopback only, bounded in count and time (about
# 2 minutes in all). Run as root, it runs itself in a network namespace of its own, with
# nothing but loopback:
#   throughput: 16, then 64 clients probing in a loop for 10 s each (bench-probe, one
#     epoll thread: HTTP request, the server connects back, the token, the verdict);
#   pending: as many probes at once as the server allows (10,000 when the file
#     descriptor limit has room: each pending probe holds two), and 800 more, toward a
#     port that never answers: how many the server holds, how fast it turns the rest away
#     with 503, its memory at the peak and ten seconds after.
# Targets: >= 2,000 TCP probes/s, resident memory < 30 MB while doing so; under the
# pending load, the limit holds (never more pending than allowed, the rest get 503 at
# once), at most 64 MB resident for 10,000 pending probes, and ten seconds after the load
# at most twice what the server took idle.
#
# The server and the load run on one machine, where the client is the server's own host,
# which a server never tests unless PORTIER_PROBE_TEST_LOCAL_TARGETS=1 says so.
#
#   probe.py BUILD_DIR
#
# SPDX-License-Identifier: GPL-3.0-or-later

import os
import resource
import select
import shutil
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


CONNECT_MS = 60000


class Server:
    def __init__(self, pending, connections, connect_ms):
        self.config = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
        self.config.write(CONFIG.format(pending=pending, connections=connections,
                                        connect_ms=connect_ms))
        self.config.close()
        self.proc = subprocess.Popen([SERVER, "--listen", "127.0.0.1:0", "--config",
                                      self.config.name], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True,
                                     env=dict(os.environ, PORTIER_PROBE_TEST_LOCAL_TARGETS="1"))
        ready, _, _ = select.select([self.proc.stdout], [], [], 10)
        line = self.proc.stdout.readline() if ready else ""
        if "listening on" not in line:
            raise RuntimeError("the probe server did not start")
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
    # the probe's socket), and the server needs a few more of its own.
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    pending = 10000
    if hard != resource.RLIM_INFINITY and 2 * pending + 300 > hard:
        pending = (hard - 300) // 2
        print(f"note: the file descriptor limit here is {hard}: {pending} pending probes "
              f"at most")
    connections = pending + 200
    requests = pending + 800
    print(f"== pending: {requests} probes at once, toward a port that never answers; "
          f"the server allows {pending} pending")
    # A connect timeout long enough for every request of the burst to reach the server
    # while the first probes are still pending, even on a busy machine.
    server = Server(pending, connections, CONNECT_MS)
    try:
        idle = server.memory_kb("VmRSS")
        fields, text = load("pending", "--server", server.address, "--count",
                            str(requests), "--server-pid", str(server.proc.pid))
        print(text)
        time.sleep(10)
        after = server.memory_kb("VmRSS")
    finally:
        server.stop()

    held = fields["timeout"]
    # Turned away while the probes were pending, not queued until a slot was free.
    ok = held <= pending and fields["turned_away_503"] >= requests - pending \
        and fields["other"] == 0 and fields["busy_answer_max_ms"] < CONNECT_MS
    print(f"limit held: {held:.0f} pending probes answered (limit {pending}), "
          f"{fields['turned_away_503']:.0f} turned away with 503, the last of those "
          f"{fields['busy_answer_max_ms']:.0f} ms after its request began (the probes "
          f"take {CONNECT_MS} ms)   target: the limit holds, 503 while the probes are "
          f"pending   {'met' if ok else 'NOT met'}")
    met &= ok

    peak = fields["server_peak_rss_kb"]
    per_probe = (peak - idle) / max(held, 1)
    at_10000 = idle + per_probe * 10000
    ok = peak <= 64 * 1024 and at_10000 <= 64 * 1024
    print(f"peak memory: {peak / 1024:.1f} MB for {held:.0f} pending probes (idle "
          f"{idle / 1024:.1f} MB, {per_probe:.2f} KB a probe: {at_10000 / 1024:.1f} MB for "
          f"10,000)   target <= 64 MB   {'met' if ok else 'NOT met'}")
    met &= ok

    ok = after <= 2 * idle
    print(f"memory 10 s after the load: {after / 1024:.1f} MB   target <= 2 x idle "
          f"({2 * idle / 1024:.1f} MB)   {'met' if ok else 'NOT met'}")
    met &= ok
    return 0 if met else 1


def in_own_namespace():
    """Root runs the benchmark in a network namespace with nothing but loopback."""
    if os.geteuid() != 0 or os.environ.get("PORTIER_BENCH_NETNS") == "1":
        return None
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    return subprocess.run([unshare, "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
                           sys.executable, os.path.abspath(__file__), BUILD],
                          env=dict(os.environ, PORTIER_BENCH_NETNS="1")).returncode


if __name__ == "__main__":
    status = in_own_namespace()
    sys.exit(main() if status is None else status)
