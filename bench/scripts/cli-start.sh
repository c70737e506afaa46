#!/usr/bin/env bash
# The published lkg (NativeAOT) against the smallest .NET program, `dotnet hello.dll`, measured in
# the same run: `lkg status --json` and `lkg reg query` of one value on the sample machine, as
# paired ratios (A B A B, median of the per-pair ratios) and, with valgrind, as instruction
# ratios (callgrind, which do not move with load). Goal (issue "Speed"): at most 0.5x both ways.
# Usage: bench/scripts/cli-start.sh [PAIRS] [DIR]   (PAIRS default 21; DIR: what scripts/publish.sh
# wrote there, instead of publishing again)
set -euo pipefail
pairs="${1:-21}"
published_dir="${2:-}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source "$root/bench/scripts/common.sh"

if [[ -n "$published_dir" ]]; then published="$published_dir/lkg"; else published=$("$root/scripts/publish.sh" "$work/lkg"); fi
build_hello_world
export LKG_MACHINE="$work/machine"
"$published" init --from "$root/samples/machines/workstation.json" >/dev/null

# The two commands' words, split by the shell where they are used.
declare -A words=([status]='status --json' [query]='reg query SYSTEM\CurrentControlSet\Services\Hello ImagePath')
hello() { dotnet "$work/hello/out/hello.dll"; }
status() { "$published" ${words[status]}; }
query() { "$published" ${words[query]}; }

for command in status query; do
  read -r ratio ms hello_ms < <(paired_ratio "$command" hello "$pairs")
  line="lkg ${words[$command]}: median ${ms} ms against hello ${hello_ms} ms, paired ratio ${ratio}x over $pairs pairs"
  a=$(instructions "$published" ${words[$command]})
  b=$(instructions dotnet "$work/hello/out/hello.dll")
  if [[ -n "$a" && -n "$b" ]]; then
    line+=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "; instructions %d against %d, %.3fx", a, b, a / b }')
  fi
  echo "$line"
done
