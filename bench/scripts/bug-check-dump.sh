#!/usr/bin/env bash
# Bug check to the next kernel with `DumpType` mini, before and after a change, in one run
# (A B A B), with and without a long boot history. Two builds of lkg, each published as it is
# installed (scripts/publish.sh: the native lkg, lkg-host beside it), each on machines with the Sensor's bad channel file (Classic policy, no
# Last Known Good) and `Control\CrashControl\DumpType` = mini: every `lkg boot --until halted` is
# two bug checks with their dumps, their reboots and a safe-mode boot. One pair of machines has
# BOOTS boots of history written into its hive before the first run (accepted and shut down, by
# the benchmark program's write-history, through BootLog: BEFORE-REF must read the machine
# database's schema of now), the other none. For each bug check: from the crash record's time
# (the bug check's decision) to the next boot started, and to the next kernel ready; and whether
# its dump was recorded. Reported as the medians of each build and the median of the per-pair ratios
# (after / before).
# Usage: bench/scripts/bug-check-dump.sh BEFORE-REF [PAIRS] [BOOTS]   (PAIRS default 10, BOOTS 10000)
set -euo pipefail
before_ref="$1"
pairs="${2:-10}"
boots="${3:-10000}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/before-tree" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add --detach "$work/before-tree" "$before_ref" >/dev/null 2>&1
source "$root/bench/scripts/common.sh"

build() { # tree name -> prints the published lkg (scripts/publish.sh, as it is installed), the Sensor built in the tree
  dotnet build "$1/samples/Drivers/Sensor" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
  "$1/scripts/publish.sh" "$work/$2-lkg"
}
declare -A lkg=([before]="$(build "$work/before-tree" before)" [after]="$(build "$root" after)")
dotnet build "$root/bench/LastKnownGood.Benchmarks" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
declare -A tree=([before]="$work/before-tree" [after]="$root")
export LKG_KEYS="$work/keys"

machine() { # build history
  local lkg=("${lkg[$1]}") source="${tree[$1]}"
  export LKG_MACHINE="$work/$1-$2"
  bad_sensor_machine "$source" "${lkg[@]}"
  "${lkg[@]}" reg set 'SYSTEM\CurrentControlSet\Control\CrashControl' DumpType mini >/dev/null
  if (( $2 > 0 )); then
    dotnet "$root/bench/LastKnownGood.Benchmarks/bin/Release/net10.0/LastKnownGood.Benchmarks.dll" write-history "$LKG_MACHINE" "$2" accepted
  fi
}
for history in 0 "$boots"; do
  machine before "$history"
  machine after "$history"
done

# One run of a build: `lkg boot --until halted`; prints "started ready dumped count" of its new
# bug checks: the medians (ms), how many have their dump recorded, and how many there were.
run() { # build history
  export LKG_MACHINE="$work/$1-$2"
  local lkg=("${lkg[$1]}") seen
  seen=$("${lkg[@]}" crashes --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
  "${lkg[@]}" boot --until halted >/dev/null
  python3 - "$seen" <("${lkg[@]}" history --json) <("${lkg[@]}" crashes --json) <<'PY'
import json, sys, datetime, statistics
t = lambda s: datetime.datetime.fromisoformat(s).timestamp() * 1000
boots = {b["number"]: b for b in json.load(open(sys.argv[2]))}
started, ready, dumped = [], [], 0
new = json.load(open(sys.argv[3]))[int(sys.argv[1]):]
for crash in new:
    dumped += crash.get("dump") is not None
    following = boots.get(crash["boot"] + 1)
    if following:
        started.append(t(following["started"]) - t(crash["time"]))
        if following["ready"]:
            ready.append(t(following["ready"]) - t(crash["time"]))
print(statistics.median(started), statistics.median(ready) if ready else "nan", dumped, len(new))
PY
}

for history in 0 "$boots"; do
  results="$work/results-$history"
  for _ in $(seq 1 "$pairs"); do
    echo "$(run before "$history") $(run after "$history")" >> "$results"
  done
  python3 - "$results" "$history" <<'PY'
import sys, statistics as s
rows = [list(map(float, line.split())) for line in open(sys.argv[1])]
print(f"DumpType mini, {int(sys.argv[2]):,} boots of history before the first run; dumps recorded: "
      f"before {sum(r[2] for r in rows):.0f} of {sum(r[3] for r in rows):.0f} bug checks, after {sum(r[6] for r in rows):.0f} of {sum(r[7] for r in rows):.0f}")
for name, a, b in (("next boot started", 0, 4), ("next kernel ready", 1, 5)):
    before, after = [r[a] for r in rows], [r[b] for r in rows]
    ratio = s.median([r[b] / r[a] for r in rows])
    print(f"  bug check -> {name}: before median {s.median(before):.1f} ms, after median {s.median(after):.1f} ms, "
          f"after/before median of {len(rows)} paired ratios {ratio:.3f} (after - before {s.median(after) - s.median(before):+.1f} ms)")
PY
done
