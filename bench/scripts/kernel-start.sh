#!/usr/bin/env bash
# Kernel start to ready with 10 signed kernel-mode drivers, against a bare `dotnet` hello-world
# start, measured in the same run on the same machine (issue goal: at most 3x).
# Usage: bench/scripts/kernel-start.sh [RUNS]   (default 15)
set -euo pipefail
runs="${1:-15}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build "$root/src/lkg" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
# The kernel's program as published (lkg-host.csproj sets PublishReadyToRun): compiled ahead of
# time, as an installed lkg ships it.
dotnet publish "$root/src/lkg-host" -c Release -r linux-x64 --self-contained false \
  -o "$work/lkg-r2r" -v quiet -nologo -clp:NoSummary >/dev/null
dotnet build "$root/samples/Drivers/Hello" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
lkg() { dotnet "$root/src/lkg/bin/Release/net10.0/lkg.dll" "$@"; }
export LKG_MACHINE="$work/machine" LKG_KEYS="$work/keys"

source "$root/bench/scripts/common.sh"
build_hello_world

lkg init >/dev/null
lkg keys create bench --trust >/dev/null
install_ten_hellos

# Each build boots its own copy of the machine, as a machine always runs one lkg: the kernel's
# start-up profile (multicore JIT) is recorded by one build and used by the next boot of the same
# build. Only the first run of each starts without one: the median passes over it, as every boot
# of a machine but its first has a profile.
cp -a "$work/machine" "$work/machine-r2r"
baseline=(); kernel=(); kernel_r2r=()
for _ in $(seq 1 "$runs"); do
  baseline+=("$(time_to_ready dotnet "$work/hello/out/hello.dll")")
  kernel+=("$(time_to_ready dotnet "$root/src/lkg/bin/Release/net10.0/lkg-host.dll" kernel)")
  kernel_r2r+=("$(time_to_ready dotnet "$work/lkg-r2r/lkg-host.dll" kernel --machine "$work/machine-r2r")")
done
b=$(printf '%s\n' "${baseline[@]}" | median)
k=$(printf '%s\n' "${kernel[@]}" | median)
r=$(printf '%s\n' "${kernel_r2r[@]}" | median)
echo "dotnet hello world to ready: median ${b} ms over $runs runs"
awk -v k="$k" -v b="$b" 'BEGIN { printf "lkg-host kernel, 10 drivers, JIT build: median %d ms, %.2fx (goal <= 3x)\n", k, k / b }'
awk -v k="$r" -v b="$b" 'BEGIN { printf "lkg-host kernel, 10 drivers, ReadyToRun: median %d ms, %.2fx (goal <= 3x)\n", k, k / b }'
