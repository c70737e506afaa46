#!/usr/bin/env bash
# lkg installed with dotnet tool install (scripts/install-tool.sh) against the published build
# (scripts/publish.sh) and against the smallest .NET program, `dotnet hello.dll`, in one run:
# `lkg status` on the sample machine, as paired ratios (A B A B, median of the per-pair ratios)
# and, with valgrind, instruction ratios (callgrind). Then the package's size. Goal (issue "For
# its users"): the installed tool starts as fast as the published build; its package is <= 8 MB.
# Usage: bench/scripts/installed-tool.sh [PAIRS]   (default 21)
set -euo pipefail
pairs="${1:-21}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source "$root/bench/scripts/common.sh"

installed=$("$root/scripts/install-tool.sh" "$work/installed")
published=$("$root/scripts/publish.sh" "$work/published")
build_hello_world
export LKG_MACHINE="$work/machine"
"$published" init --from "$root/samples/machines/workstation.json" >/dev/null

hello() { dotnet "$work/hello/out/hello.dll"; }
installed_status() { "$installed" status; }
published_status() { "$published" status; }

# Through the tool's entry in DIR/tool, as a user types lkg.
read -r ratio installed_ms published_ms < <(paired_ratio installed_status published_status "$pairs")
echo "installed lkg status: median ${installed_ms} ms against the published build's ${published_ms} ms, paired ratio ${ratio}x over $pairs pairs"
read -r ratio installed_ms hello_ms < <(paired_ratio installed_status hello "$pairs")
line="installed lkg status: median ${installed_ms} ms against hello ${hello_ms} ms, paired ratio ${ratio}x over $pairs pairs"
a=$(instructions "$installed" status)
b=$(instructions "$published" status)
c=$(instructions dotnet "$work/hello/out/hello.dll")
if [[ -n "$a" && -n "$b" && -n "$c" ]]; then
  line+=$(awk -v a="$a" -v b="$b" -v c="$c" 'BEGIN { printf "; instructions %d, published %d (%.3fx), hello %d (%.3fx)", a, b, a / b, c, a / c }')
fi
echo "$line"

for package in "$work/installed/packages/"*.nupkg; do
  echo "$(basename "$package"): $(stat -c %s "$package") bytes"
done
