#!/bin/sh
# Runs one libFuzzer target for a bounded time. New inputs go to a working corpus in
# the build folder, never into the seed corpus in the source tree.
#   run-fuzzer.sh TARGET SEEDS WORKDIR SECONDS
set -eu
target=$1 seeds=$2 work=$3 seconds=$4
mkdir -p "$work/corpus" "$work/artifacts"
# libFuzzer reports what it finds with exit status 77 unless told otherwise, and meson
# reads 77 as "skipped": make a finding a failure.
exec "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -error_exitcode=1 \
  -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$work/corpus" "$seeds"
