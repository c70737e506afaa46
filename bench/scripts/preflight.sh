#!/usr/bin/env bash
# Content pre-flight's cost, end to end with the published lkg (scripts/publish.sh): a push of the
# good channel file under a new name, whose pre-flight runs the Sensor in a throwaway lkg-host
# against N recorded events, against one plain boot to acceptance of the same machine, A B A B.
# The machine (Improved, AcceptAfter 0, the Sensor in kernel mode) boots once, which records the
# kernel's real ipc event for the Sensor; its row is copied to make N (0, 10, 100, 1,000 and 10,000,
# with PreflightEvents raised to 10,000, so the machine would keep that many). Prints,
# per N, the pre-flight's own time as the push reports it, and the push's wall time as a ratio to
# one plain boot (medians of the per-pair ratios).
# Usage: bench/scripts/preflight.sh [PAIRS]   (default 5)
set -euo pipefail
pairs="${1:-5}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source "$root/bench/scripts/common.sh"
use_published_lkg
export LKG_KEYS="$work/keys" LKG_MACHINE="$work/template"
content="$root/samples/Drivers/Sensor/content"
improved_sensor_machine
lkg reg set 'SYSTEM\CurrentControlSet\Control\Recovery' PreflightEvents 10000 --type dword >/dev/null

# The recorded events of the template's Sensor, made N copies of its first one.
record() {
  python3 - "$1/system.db" "$2" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
row = db.execute("SELECT component, boot, time, type, fields FROM recorded_events WHERE component = 'Sensor' ORDER BY id LIMIT 1").fetchone()
assert row, "the boot recorded no event for the Sensor"
db.execute("DELETE FROM recorded_events")
db.executemany("INSERT INTO recorded_events (component, boot, time, type, fields) VALUES (?, ?, ?, ?, ?)", [row] * n)
db.commit()
PY
}

push() { lkg content push Sensor "$content/C-00000291-00000000-00000001.sys" --name C-00000291-00000000-00000002.sys --json > "$work/push.json"; }
plain_boot() { lkg boot --until accepted --timeout 60s; }

for n in 0 10 100 1000 10000; do
  ratios=(); pushes=(); plain=(); own=()
  for _ in $(seq 1 "$pairs"); do
    rm -rf "$work/a" "$work/b" && cp -r "$work/template" "$work/a" && cp -r "$work/template" "$work/b"
    record "$work/a" "$n"
    export LKG_MACHINE="$work/a"; ta=$(wall_ms push)
    own+=("$(python3 -c "import json; p = json.load(open('$work/push.json'))['preflight']; assert p['outcome'] == 'passed' and p['events'] == $n, p; print(p['seconds'] * 1000)")")
    export LKG_MACHINE="$work/b"; tb=$(wall_ms plain_boot)
    pushes+=("$ta"); plain+=("$tb")
    ratios+=("$(awk -v x="$ta" -v y="$tb" 'BEGIN { printf "%.4f", x / y }')")
  done
  echo "events=$n: pre-flight median $(printf '%s\n' "${own[@]}" | median) ms; push with it median $(printf '%s\n' "${pushes[@]}" | median) ms; one plain boot median $(printf '%s\n' "${plain[@]}" | median) ms; push / plain boot, median of $pairs pairs: $(printf '%s\n' "${ratios[@]}" | median)"
done
