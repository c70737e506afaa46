#!/usr/bin/env bash
# The kernel pool's allocate-and-free pair against NativeMemory's, interleaved batch by batch in
# one process (bench/LastKnownGood.Benchmarks/InterleavedPoolHarness.cs), in RUNS processes: the
# layout each process gets moves both sides by up to 2x from one process to the next, so one
# process is not enough. Prints every process's lines, then the median over processes of each
# median ratio (issue goal at 64 B: at most 2x).
# Usage: bench/scripts/pool-interleaved.sh [RUNS] [PAIRS] [OPERATIONS]   (default 5 41 20000)
set -euo pipefail
runs="${1:-5}"; pairs="${2:-41}"; operations="${3:-20000}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/bench/scripts/common.sh"

project="$root/bench/LastKnownGood.Benchmarks"
dotnet build "$project" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
for _ in $(seq 1 "$runs"); do
  dotnet "$project/bin/Release/net10.0/LastKnownGood.Benchmarks.dll" interleaved "$pairs" "$operations" | tee -a "$out"
done
for size in 64 4096; do
  for clock in wall cpu; do
    ratio=$(awk -v s="$size" -v c="$clock" '$1 == s && $3 == c { sub("x", "", $8); print $8 }' "$out" | median)
    echo "median over $runs processes, $size B, $clock: ${ratio}x"
  done
done
