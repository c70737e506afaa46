#!/usr/bin/env bash
# Improved recovery's cost, end to end with the published lkg (scripts/publish.sh): a bad content
# push to the next accepted boot (the push, the boot that bug checks 0x50 in the Sensor, and the
# Last Known Good boot that is accepted), against one plain boot to acceptance of the same machine,
# A B A B. Every pair runs on two fresh copies of one machine (Improved, AcceptAfter 0, the Sensor
# with its good channel file, one accepted boot). Prints the median of the per-pair ratios and
# the medians of each side.
# Usage: bench/scripts/improved-recovery.sh [PAIRS]   (default 10)
set -euo pipefail
pairs="${1:-10}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source "$root/bench/scripts/common.sh"
use_published_lkg
export LKG_KEYS="$work/keys" LKG_MACHINE="$work/template"
content="$root/samples/Drivers/Sensor/content"
improved_sensor_machine

bad_push_to_accepted() {
  lkg content push Sensor "$content/C-00000291-00000000-00000032.sys" --name C-00000291-00000000-00000001.sys --no-preflight
  lkg boot --until accepted --timeout 60s
}
plain_boot() { lkg boot --until accepted --timeout 60s; }

ratios=(); bad=(); plain=()
for _ in $(seq 1 "$pairs"); do
  rm -rf "$work/a" "$work/b" && cp -r "$work/template" "$work/a" && cp -r "$work/template" "$work/b"
  export LKG_MACHINE="$work/a"; ta=$(wall_ms bad_push_to_accepted)
  # The pair counts only when the bad push really cost one boot and was recovered from.
  [[ "$(lkg history --json | python3 -c 'import json,sys; print(" ".join(b["outcome"] for b in json.load(sys.stdin)))')" == "accepted bugcheck accepted" ]] \
    || { echo "the bad push did not end as one lost boot and an accepted fallback" >&2; exit 1; }
  export LKG_MACHINE="$work/b"; tb=$(wall_ms plain_boot)
  bad+=("$ta"); plain+=("$tb")
  ratios+=("$(awk -v x="$ta" -v y="$tb" 'BEGIN { printf "%.4f", x / y }')")
done
echo "bad push -> accepted boot (Improved): median $(printf '%s\n' "${bad[@]}" | median) ms; one plain boot to acceptance: median $(printf '%s\n' "${plain[@]}" | median) ms; ratio, median of $pairs pairs: $(printf '%s\n' "${ratios[@]}" | median)"
