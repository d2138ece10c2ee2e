#!/usr/bin/env bash
# Benchmark “probe”: portier-probe-server under load, on loopback only, bounded in count
# and time (about 40 s in all).
#   1. throughput: 16 and then 64 clients probing in a loop for 10 s each: probes per
#      second, p50/p99 latency, the server's peak memory;
#   2. pending: as many probes at once as the server allows (10,000 when the file
#      descriptor limit has room for them), toward a port that never answers: how many it
#      holds, how many it turns away (503), and its memory meanwhile.
# Runs from tools/bench with BUILD set to a build folder.
set -euo pipefail

BUILD=${BUILD:?run this through tools/bench}
SERVER=$BUILD/src/probe/portier-probe-server
LOAD=$BUILD/tests/bench-probe
work=$(mktemp -d)
server_pid=

stop_server () {
  if [ -n "$server_pid" ]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
  fi
}
trap 'stop_server; rm -rf "$work"' EXIT

# Every request comes from 127.0.0.1, so the per-address limits step aside; the totals
# are what is measured.
write_config () {
  cat > "$work/probe.conf" <<CONF
[limits]
requests-per-minute=1000000
request-burst=1000000
prefix-requests-per-minute=1000000
prefix-request-burst=1000000
max-pending-probes-per-address=1000000
max-connections-per-address=1000000
max-pending-probes=$1
max-connections=$2
connect-timeout-ms=$3
request-timeout-ms=30000
CONF
}

start_server () {
  "$SERVER" --listen 127.0.0.1:0 --config "$work/probe.conf" > "$work/out" 2> "$work/err" &
  server_pid=$!
  for _ in $(seq 50); do
    address=$(sed -n 's/^portier-probe-server: listening on //p' "$work/out")
    [ -n "$address" ] && return 0
    sleep 0.1
  done
  echo "probe: the server did not start" >&2
  cat "$work/err" >&2
  return 1
}

memory () { awk -v field="$1:" '$1 == field { print $2 }' "/proc/$server_pid/status"; }

echo "== probe: throughput (TCP probes, loopback)"
write_config 10000 12000 5000
start_server
echo "server idle: rss_kb=$(memory VmRSS)"
for clients in 16 64; do
  "$LOAD" throughput --server "$address" --clients "$clients" --seconds 10
done
echo "server peak: rss_kb=$(memory VmHWM)"
stop_server

# Each pending probe holds two descriptors in the server (the client's connection and
# the probe's socket). Ask for 10,000 when the limit allows, else what fits.
limit=$(ulimit -Hn)
pending=10000
if [ "$limit" != unlimited ] && [ $((2 * pending + 1000)) -gt "$limit" ]; then
  pending=$(( (limit - 1000) / 2 ))
  echo "note: the file descriptor limit is $limit here, so $pending pending probes at most"
fi
connections=$((pending + 800))
echo "== probe: $connections probes at once, the server allowing $pending pending"
write_config "$pending" "$connections" 8000
start_server
echo "server idle: rss_kb=$(memory VmRSS)"
"$LOAD" pending --server "$address" --count "$connections" --server-pid "$server_pid"
sleep 11
echo "server 10 s later (memory given back): rss_kb=$(memory VmRSS)"
stop_server
