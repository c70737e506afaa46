#!/usr/bin/env bash
# `lkg init --from` for manifests of 1,000, 10,000 and 100,000 services, each depending on the
# next (the longest dependency chain there is), one run each. Linear checks give times in
# proportion to the services; the ratios against 1,000 show it.
# Usage: bench/scripts/init-services.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build "$root/src/lkg" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
lkg() { dotnet "$root/src/lkg/bin/Release/net10.0/lkg.dll" "$@"; }
source "$root/bench/scripts/common.sh"

manifest() {
  local count=$1
  {
    echo '{ "Services": {'
    awk -v n="$count" 'BEGIN { for (i = 0; i < n; i++) printf "  \"Svc%06d\": { \"Type\": 16, \"Start\": 3, \"ImagePath\": \"/bin/true\", \"DependOnService\": [\"Svc%06d\"] },\n", i, i + 1 }'
    echo '} }'
  } > "$work/services-$count.json"
}

# The baseline: lkg init without a manifest, the cost of starting lkg and creating a hive.
start=$(now_ms); lkg init --machine "$work/empty" >/dev/null; empty=$(( $(now_ms) - start ))
echo "lkg init, no manifest: ${empty} ms"
first=""
for count in 1000 10000 100000; do
  manifest "$count"
  start=$(now_ms)
  lkg init --from "$work/services-$count.json" --machine "$work/machine-$count" >/dev/null
  ms=$(( $(now_ms) - start ))
  first="${first:-$ms}"
  awk -v c="$count" -v ms="$ms" -v f="$first" -v e="$empty" 'BEGIN {
    printf "lkg init, %6d services: %6d ms, %5.2fx the 1,000-service run, %5.2fx above no manifest\n", c, ms, ms / f, (ms - e) / (f - e) }'
done
