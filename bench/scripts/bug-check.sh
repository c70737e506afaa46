#!/usr/bin/env bash
# Bug check to the next kernel, before and after a change, measured in one run (A B A B): two
# builds of lkg, each on its own machine with the Sensor's bad channel file (Classic policy, no
# Last Known Good), so that every `lkg boot --until halted` is two bug checks, their reboots and
# a safe-mode boot. For each bug check: from the crash record's time (the bug check's decision)
# to the next boot started, and to the next kernel ready. Reported as the medians of each build
# and the median of the per-pair ratios (after / before). Then `lkg analyze` against `lkg status`
# on the after build's machine, paired the same way.
# Usage: bench/scripts/bug-check.sh BEFORE-REF [PAIRS]   (PAIRS default 10)
set -euo pipefail
before_ref="$1"
pairs="${2:-10}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/before-tree" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add --detach "$work/before-tree" "$before_ref" >/dev/null 2>&1
source "$root/bench/scripts/common.sh"

build() { # tree -> prints the lkg.dll of a Release build, the Sensor built beside it
  for project in src/lkg samples/Drivers/Sensor; do
    dotnet build "$1/$project" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
  done
  echo "$1/src/lkg/bin/Release/net10.0/lkg.dll"
}
declare -A dll=([before]="$(build "$work/before-tree")" [after]="$(build "$root")")
export LKG_KEYS="$work/keys"

machine() { # name tree
  export LKG_MACHINE="$work/$1"
  bad_sensor_machine "$2" dotnet "${dll[$1]}"
}
machine before "$work/before-tree"
machine after "$root"

# One run of a build: `lkg boot --until halted`; prints "started ready" medians (ms) of its new bug checks.
run() {
  export LKG_MACHINE="$work/$1"
  local lkg=(dotnet "${dll[$1]}") seen
  seen=$("${lkg[@]}" crashes --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
  "${lkg[@]}" boot --until halted >/dev/null
  python3 - "$seen" <("${lkg[@]}" history --json) <("${lkg[@]}" crashes --json) <<'PY'
import json, sys, datetime, statistics
t = lambda s: datetime.datetime.fromisoformat(s).timestamp() * 1000
boots = {b["number"]: b for b in json.load(open(sys.argv[2]))}
started, ready, ended = [], [], []
for crash in json.load(open(sys.argv[3]))[int(sys.argv[1]):]:
    following = boots.get(crash["boot"] + 1)
    if following:
        started.append(t(following["started"]) - t(crash["time"]))
        ended.append(t(boots[crash["boot"]]["ended"]) - t(crash["time"]))
        if following["ready"]:
            ready.append(t(following["ready"]) - t(crash["time"]))
print(statistics.median(started), statistics.median(ready) if ready else "nan", statistics.median(ended))
PY
}

results="$work/results"
for _ in $(seq 1 "$pairs"); do
  echo "$(run before) $(run after)" >> "$results"
done
python3 - "$results" <<'PY'
import sys, statistics as s
rows = [list(map(float, line.split())) for line in open(sys.argv[1])]
for name, a, b in (("the boot's end recorded", 2, 5), ("next boot started", 0, 3), ("next kernel ready", 1, 4)):
    before, after = [r[a] for r in rows], [r[b] for r in rows]
    ratio = s.median([r[b] / r[a] for r in rows])
    print(f"bug check -> {name}: before median {s.median(before):.1f} ms, after median {s.median(after):.1f} ms, "
          f"after/before median of {len(rows)} paired ratios {ratio:.3f} (after - before {s.median(after) - s.median(before):+.1f} ms)")
PY

# lkg analyze against lkg status, on the after machine (its crashes are real), A B A B.
export LKG_MACHINE="$work/after"
analyze=(); status=()
for _ in $(seq 1 "$pairs"); do
  start=$(now_ms); dotnet "${dll[after]}" status >/dev/null; status+=($(( $(now_ms) - start )))
  start=$(now_ms); dotnet "${dll[after]}" analyze >/dev/null; analyze+=($(( $(now_ms) - start )))
done
python3 - "${status[*]}" "${analyze[*]}" <<'PY'
import sys, statistics as s
status, analyze = list(map(float, sys.argv[1].split())), list(map(float, sys.argv[2].split()))
print(f"lkg status: median {s.median(status):.0f} ms; lkg analyze: median {s.median(analyze):.0f} ms; "
      f"analyze/status median of {len(status)} paired ratios {s.median([a / b for a, b in zip(analyze, status)]):.2f}")
PY
