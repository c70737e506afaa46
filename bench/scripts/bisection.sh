#!/usr/bin/env bash
# Bisection's cost, end to end with the published lkg (scripts/publish.sh): n change sets after
# Last Known Good, the oldest of which makes a Critical driver (FaultDriver) throw at its start, so
# every trial that holds it fails (the most failed boots a bisection of n can take); the run boots
# until a normal boot is accepted. For n = 1, 2, 4, 8, 16: the failed boots (the bound is
# ceil(log2 n) + 1), the trial boots, and the wall time as a ratio to one plain boot to acceptance
# of the same machine, A B A B. Prints one line per n: the median of the per-pair ratios and the
# medians of each side.
# Usage: bench/scripts/bisection.sh [PAIRS]   (default 3)
set -euo pipefail
pairs="${1:-3}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source "$root/bench/scripts/common.sh"
use_published_lkg
export LKG_KEYS="$work/keys" LKG_MACHINE="$work/template"

lkg init >/dev/null
lkg keys create bench --trust >/dev/null
lkg reg set 'SYSTEM\CurrentControlSet\Control\Recovery' AcceptAfter 0 --type dword >/dev/null
for dir in samples/Drivers/Hello test/TestDrivers/FaultDriver; do
  driver=$(basename "$dir")
  dotnet build "$root/$dir" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
  mkdir -p "$work/$driver" && cp "$root/$dir/bin/Release/net10.0/$driver.dll" "$root/$dir/driver.json" "$work/$driver/"
  lkg sign "$work/$driver" --key bench >/dev/null
done
lkg driver install "$work/Hello" --start system --error-control normal >/dev/null
lkg driver install "$work/FaultDriver" --start system --error-control critical >/dev/null
lkg reg set 'SYSTEM\CurrentControlSet\Services\FaultDriver\Parameters' Fault none >/dev/null
lkg boot --until accepted --timeout 60s >/dev/null

plain_boot() { lkg boot --until accepted --timeout 60s; }
bisect() { lkg boot --until accepted --timeout 600s; }
count() { lkg history --all --json | python3 -c "import json,sys; print(sum(1 for b in json.load(sys.stdin)[1:] if $1))"; }

for n in 1 2 4 8 16; do
  rm -rf "$work/bad" && cp -r "$work/template" "$work/bad"
  export LKG_MACHINE="$work/bad"
  lkg reg set 'SYSTEM\CurrentControlSet\Services\FaultDriver\Parameters' Fault throw >/dev/null
  for i in $(seq 2 "$n"); do
    lkg reg set 'SYSTEM\CurrentControlSet\Services\Hello\Parameters' "Note$i" "$i" >/dev/null
  done

  ratios=(); runs=(); plain=(); failed=(); trials=()
  for _ in $(seq 1 "$pairs"); do
    rm -rf "$work/a" "$work/b" && cp -r "$work/bad" "$work/a" && cp -r "$work/template" "$work/b"
    export LKG_MACHINE="$work/a"; ta=$(wall_ms bisect)
    failed+=("$(count 'b["outcome"] in ("bugcheck", "start-failure")')"); trials+=("$(count 'b["mode"] == "trial"')")
    lkg reg query 'SYSTEM\CurrentControlSet\Services\FaultDriver\Parameters' Fault | grep -q none \
      || { echo "n=$n: the bisection did not end with the culprit reverted" >&2; exit 1; }
    export LKG_MACHINE="$work/b"; tb=$(wall_ms plain_boot)
    runs+=("$ta"); plain+=("$tb")
    ratios+=("$(awk -v x="$ta" -v y="$tb" 'BEGIN { printf "%.4f", x / y }')")
  done
  echo "n=$n: failed boots $(printf '%s\n' "${failed[@]}" | median) (bound $(python3 -c "import math; print(math.ceil(math.log2($n)) + 1)")), trial boots $(printf '%s\n' "${trials[@]}" | median); bad writes -> accepted boot: median $(printf '%s\n' "${runs[@]}" | median) ms; one plain boot: median $(printf '%s\n' "${plain[@]}" | median) ms; ratio, median of $pairs pairs: $(printf '%s\n' "${ratios[@]}" | median)"
done
