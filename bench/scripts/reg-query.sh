#!/usr/bin/env bash
# `lkg reg query` of one value on a machine of 100,000 values against a machine of 1,000, as a
# paired ratio (A B A B, the median of the per-pair ratios; issue goal: at most 1.2x), then the
# same two commands' instructions under callgrind where valgrind is installed. The JIT build,
# started with `dotnet lkg.dll`.
# Usage: bench/scripts/reg-query.sh [PAIRS]   (default 21)
set -euo pipefail
pairs="${1:-21}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build "$root/src/lkg" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
dll="$root/src/lkg/bin/Release/net10.0/lkg.dll"
lkg() { dotnet "$dll" "$@"; }
source "$root/bench/scripts/common.sh"

# A machine of SERVICES services, each with 100 values under Services\SvcNNNNNN\Parameters,
# DWORD and SZ in turn: 10 services are 1,000 values, 1,000 services 100,000.
make_machine() {
  local services=$1
  awk -v n="$services" 'BEGIN {
    print "{ \"Services\": {"
    for (i = 0; i < n; i++) {
      printf "  \"Svc%06d\": { \"Type\": 16, \"Start\": 3, \"ImagePath\": \"/bin/true\", \"Parameters\": {", i
      for (v = 0; v < 100; v++) printf "%s \"Value%03d\": %s", (v ? "," : ""), v, (v % 2 ? "\"text " v "\"" : v)
      printf " } }%s\n", (i < n - 1 ? "," : "")
    }
    print "} }"
  }' > "$work/values-$services.json"
  lkg init --from "$work/values-$services.json" --machine "$work/machine-$services" >/dev/null
}

make_machine 10
make_machine 1000
key='SYSTEM\CurrentControlSet\Services\Svc000005\Parameters'
query() { lkg reg query "$key" Value050 --machine "$work/machine-$1"; }
small() { query 10; }
large() { query 1000; }
# Both must answer; this also warms the disk cache for each.
small >/dev/null
large >/dev/null

read -r ratio large_ms small_ms <<<"$(paired_ratio large small "$pairs")"
echo "reg query of one value, $pairs pairs: 100,000 values ${large_ms} ms, 1,000 values ${small_ms} ms, ratio ${ratio} (paired median)"

# A JIT process's count moves by a few per cent from run to run (background compilation), so
# three pairs, A B A B, and their medians.
command -v valgrind >/dev/null || exit 0
ratios=(); larges=(); smalls=()
for _ in 1 2 3; do
  l=$(instructions dotnet "$dll" reg query "$key" Value050 --machine "$work/machine-1000")
  s=$(instructions dotnet "$dll" reg query "$key" Value050 --machine "$work/machine-10")
  larges+=("$l"); smalls+=("$s")
  ratios+=("$(awk -v l="$l" -v s="$s" 'BEGIN { printf "%.4f", l / s }')")
done
printf 'instructions, 3 pairs: 100,000 values %.0f, 1,000 values %.0f, ratio %s (paired median)\n' \
  "$(printf '%s\n' "${larges[@]}" | median)" "$(printf '%s\n' "${smalls[@]}" | median)" "$(printf '%s\n' "${ratios[@]}" | median)"
