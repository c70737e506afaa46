#!/usr/bin/env bash
# What a long boot history costs the commands that read it: `lkg status` and `lkg history` (human
# and --json) on a machine with 10,000 boots (A) against one with 3 (B), in one run. Both machines
# are made by `lkg init`, then given their boots in process through BootLog by the benchmark
# program (`write-history`, bench/LastKnownGood.Benchmarks/MachineHistory.cs: cycles of seven
# accepted boots, two bug checks with their crash records and a Last Known Good boot; both machines
# end in an accepted boot and two bug checks). Each command runs on A and on B in turn, A B A B,
# after one unmeasured run of each: wall time of the whole process, start-up included; reported as
# the median of each machine and the median of the per-pair ratios A/B. With valgrind, each command
# once more on each machine under callgrind: instructions executed, whose ratio does not move with
# the machine's load (with a gen0 budget that no run fills, below). Last, every boot of the 10,000
# (`lkg history --all`, and --json): wall time and peak memory (GNU time), which streaming keeps flat.
# With BEFORE-REF, the same pairs for the lkg of that commit too, on copies of the machines taken
# back to schema 4 (its indexes dropped), so the figures before and after come from the same run.
# The decision itself is measured in process: DecisionBenchmarks (BenchmarkDotNet).
# Usage: bench/scripts/history.sh [PAIRS [BEFORE-REF]]   (PAIRS default 21; needs python3)
set -euo pipefail
pairs="${1:-21}"
before_ref="${2:-}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
build() { dotnet build "$1" -c Release -v quiet -nologo -clp:NoSummary >/dev/null; }
build "$root/src/lkg"
build "$root/bench/LastKnownGood.Benchmarks"
declare -A dll=([after]="$root/src/lkg/bin/Release/net10.0/lkg.dll")
for boots in 3 10000; do
  dotnet "${dll[after]}" --machine "$work/after-$boots" init >/dev/null
  dotnet "$root/bench/LastKnownGood.Benchmarks/bin/Release/net10.0/LastKnownGood.Benchmarks.dll" write-history "$work/after-$boots" "$boots"
done
builds=(after)
if [[ -n "$before_ref" ]]; then
  mkdir "$work/before-tree"
  git -C "$root" archive "$before_ref" | tar -x -C "$work/before-tree"
  build "$work/before-tree/src/lkg"
  dll[before]="$work/before-tree/src/lkg/bin/Release/net10.0/lkg.dll"
  for boots in 3 10000; do
    cp -r "$work/after-$boots" "$work/before-$boots"
    python3 - "$work/before-$boots/system.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for index in ("boots_counted", "boots_fallbacks", "crashes_boot"):
    db.execute(f"DROP INDEX {index}")
db.execute("UPDATE meta SET value = '4' WHERE key = 'schema'")
db.commit()
PY
  done
  builds=(before after)
fi

run_us() { # command... -> microseconds of wall time
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  echo $(( (end - start) / 1000 ))
}

commands=("status --json" "status" "history" "history --json")
for build in "${builds[@]}"; do
  for command in "${commands[@]}"; do
    # shellcheck disable=SC2086 # the command's words are split on purpose
    for boots in 10000 3; do dotnet "${dll[$build]}" --machine "$work/$build-$boots" $command >/dev/null 2>&1; done
    : > "$work/pairs"
    for _ in $(seq 1 "$pairs"); do
      # shellcheck disable=SC2086
      echo "$(run_us dotnet "${dll[$build]}" --machine "$work/$build-10000" $command) $(run_us dotnet "${dll[$build]}" --machine "$work/$build-3" $command)" >> "$work/pairs"
    done
    python3 - "$work/pairs" "$build" "$command" <<'PY'
import sys, statistics as s
rows = [list(map(float, line.split())) for line in open(sys.argv[1])]
a, b = s.median(r[0] for r in rows) / 1000, s.median(r[1] for r in rows) / 1000
print(f"{sys.argv[2]:6} lkg {sys.argv[3]:15} 10,000 boots {a:7.1f} ms, 3 boots {b:6.1f} ms, "
      f"median of {len(rows)} paired ratios {s.median(r[0] / r[1] for r in rows):.3f}")
PY
  done
done

if command -v valgrind >/dev/null; then
  instructions() { # command... -> instructions executed by the process and the runtime's threads
    local out
    # A garbage collection under valgrind corrupts the runtime now and then (a NullReferenceException
    # in System.Text.Json, an AccessViolationException): a gen0 budget of 512 MiB means none runs.
    out=$(DOTNET_gcConcurrent=0 DOTNET_GCgen0size=0x20000000 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null) \
      || { echo "under valgrind, $* failed:" >&2; grep -v '^==' <<< "$out" | head -3 >&2; return 1; }
    sed -n 's/.*Collected : //p' <<< "$out"
  }
  for build in "${builds[@]}"; do
    for command in "${commands[@]}"; do
      # shellcheck disable=SC2086
      a=$(instructions dotnet "${dll[$build]}" --machine "$work/$build-10000" $command) || continue
      # shellcheck disable=SC2086
      b=$(instructions dotnet "${dll[$build]}" --machine "$work/$build-3" $command) || continue
      awk -v w="$build" -v c="$command" -v a="$a" -v b="$b" \
        'BEGIN { printf "%-6s lkg %-15s instructions: 10,000 boots %.0f M, 3 boots %.0f M, ratio %.3f\n", w, c, a / 1e6, b / 1e6, a / b }'
    done
  done
fi

for build in "${builds[@]}"; do
  every=$([[ $build == after ]] && echo --all || true) # before, history showed every boot
  for json in "" --json; do
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %M" -o "$work/time" dotnet "${dll[$build]}" --machine "$work/$build-10000" history $every $json >/dev/null
    read -r seconds kib < "$work/time"
    echo "$build lkg history (every boot) $json of 10,000 boots: ${seconds} s, peak memory $(( kib / 1024 )) MiB"
  done
done
