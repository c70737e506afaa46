#!/usr/bin/env bash
# Kernel start to ready with 10 signed kernel-mode drivers, against a bare `dotnet` hello world that
# prints "ready", measured in the same run on the same machine (issue goal: at most 3x both ways):
#  - wall time, paired: kernel, hello world, kernel, hello world ..., the median of the per-pair
#    ratios, with a CPU burner on the second core the whole time, so that nothing (multicore JIT,
#    the thread pool, the runtime's background threads) gets a core of its own;
#  - instructions under valgrind's callgrind, where valgrind is installed: every thread of the
#    process, the kernel's to "ready", the hello world's to its exit (below).
# The kernel measured is the published one: scripts/publish.sh (native lkg, ReadyToRun lkg-host).
# Usage: bench/scripts/kernel-start.sh [PAIRS]   (default 21)
set -euo pipefail
pairs="${1:-21}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
burner=""
trap '[[ -n "$burner" ]] && kill "$burner" 2>/dev/null; rm -rf "$work"' EXIT
source "$root/bench/scripts/common.sh"

published=$("$root/scripts/publish.sh" "$work/lkg")
host="$work/lkg/lkg-host.dll"
dotnet build "$root/samples/Drivers/Hello" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
lkg() { "$published" "$@"; }
export LKG_MACHINE="$work/machine" LKG_KEYS="$work/keys"
build_hello_world
lkg init >/dev/null
lkg keys create bench --trust >/dev/null
install_ten_hellos

kernel() { time_to_ready dotnet "$host" kernel; }
hello() { time_to_ready dotnet "$work/hello/out/hello.dll"; }

# The kernel keeps a start-up profile (multicore JIT) in the machine directory, recorded by a boot
# and used by the next: one boot first, unmeasured, as every boot of a machine but its first has one.
kernel >/dev/null
hello >/dev/null

# The burner: a busy loop pinned to the second core (the last one, on a machine with more).
last_core=$(( $(nproc) - 1 ))
taskset -c "$last_core" sh -c 'while :; do :; done' &
burner=$!

ratios=(); ks=(); hs=()
for _ in $(seq 1 "$pairs"); do
  k=$(kernel); h=$(hello)
  ks+=("$k"); hs+=("$h")
  ratios+=("$(awk -v x="$k" -v y="$h" 'BEGIN { printf "%.4f", x / (y > 0 ? y : 1) }')")
done
kill "$burner" 2>/dev/null; wait "$burner" 2>/dev/null || true; burner=""
ratio=$(printf '%s\n' "${ratios[@]}" | median)
echo "wall, core $last_core busy: lkg-host kernel, 10 drivers, median $(printf '%s\n' "${ks[@]}" | median) ms;" \
  "dotnet hello world median $(printf '%s\n' "${hs[@]}" | median) ms; paired ratio ${ratio}x over $pairs pairs (goal <= 3x)"

command -v valgrind >/dev/null || exit 0
# Instructions under callgrind, every thread, children not followed: the kernel's from its start to
# "ready" (callgrind dumps its counts when asked, then the kernel is stopped), the hello world's
# from its start to its exit. Valgrind runs a program some 50 times slower, so what a program does
# by the clock, not by its work, happens 50 times more often than it would: the runtime's
# tiered compilation recompiles methods called 30 times once 100 ms pass without new methods,
# and a 30-second start leaves room for many such rounds, each Hello driver's 100 ms timer ticks.
# The tier-up delay is scaled by 100 (DOTNET_ values are hex: 0x2710 ms = 10 s) for both
# programs; the timers are not, so the kernel's count is an upper bound. A garbage collection
# under valgrind corrupts the runtime now and then: a gen0 budget of 512 MiB means none runs.
# Replaces the calling (sub)shell with valgrind, so its pid is valgrind's.
callgrind() {
  exec env DOTNET_gcConcurrent=0 DOTNET_GCgen0size=0x20000000 DOTNET_TC_CallCountingDelayMs=2710 \
    valgrind --tool=callgrind --trace-children=no --callgrind-out-file="$work/callgrind.out" --log-file="$work/callgrind.log" "$@"
}
to_ready() {
  local line pid
  rm -f "$work/callgrind.out"*
  coproc COUNTED { callgrind "$@" 2>/dev/null; }
  pid=$COUNTED_PID
  while read -r line <&"${COUNTED[0]}"; do [[ "$line" == ready ]] && break; done
  callgrind_control -d "$pid" >/dev/null 2>&1
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  sed -n 's/^summary: //p' "$work/callgrind.out.1"
}
to_exit() {
  rm -f "$work/callgrind.out"*
  (callgrind "$@") >/dev/null 2>&1
  sed -n 's/^summary: //p' "$work/callgrind.out"
}
a=$(to_ready dotnet "$host" kernel)
b=$(to_exit dotnet "$work/hello/out/hello.dll")
awk -v a="$a" -v b="$b" 'BEGIN { printf "instructions: lkg-host kernel, 10 drivers, to ready %.0f M; dotnet hello world %.0f M; ratio %.2fx (goal <= 3x)\n", a / 1e6, b / 1e6, a / b }'
