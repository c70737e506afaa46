#!/usr/bin/env bash
# What the service control manager adds to a service's start, and how a boot grows with services,
# measured in the same run on the same machine:
#  - a boot (lkg-host kernel to "ready") with 0, 1 and 100 services, paired run by run; each
#    service is the same small C program, started by Notify = 1 (ready when its READY=1 arrives);
#  - the baseline: 100 bare fork/execs of that program from the shell, each until it is ready.
# A service's start to ready is (boot with 100 - boot with 0) / 100; the issue's goal is at most
# 1.5x the bare fork/exec, the program's own start included in both.
# The kernel measured is the published one: scripts/publish.sh (native lkg, ReadyToRun lkg-host).
# Usage: bench/scripts/service-start.sh [RUNS]   (default 11)
set -euo pipefail
runs="${1:-11}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
source "$root/bench/scripts/common.sh"

published=$("$root/scripts/publish.sh" "$work/lkg")
host="$work/lkg/lkg-host.dll"

# The program: sends READY=1 on NOTIFY_SOCKET when it has one, prints "ready", then waits for a
# signal; with "once" it exits after printing, for the baseline loop.
cat > "$work/ready.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
int main(int argc, char **argv) {
  const char *path = getenv("NOTIFY_SOCKET");
  if (path) {
    struct sockaddr_un address = { .sun_family = AF_UNIX };
    strncpy(address.sun_path, path, sizeof address.sun_path - 1);
    int s = socket(AF_UNIX, SOCK_DGRAM, 0);
    sendto(s, "READY=1", 7, 0, (struct sockaddr *)&address, sizeof address);
    close(s);
  }
  puts("ready");
  fflush(stdout);
  if (argc > 1 && strcmp(argv[1], "once") == 0) return 0;
  pause();
  return 0;
}
C
cc -O2 -o "$work/ready" "$work/ready.c"

# A machine with N services running the program.
machine() {
  local n="$1" services="" i
  for i in $(seq 1 "$n"); do
    services+="${services:+,}\"Ready$i\": { \"Type\": 16, \"Start\": 2, \"ErrorControl\": 1, \"Notify\": 1, \"ImagePath\": \"$work/ready\" }"
  done
  echo "{ \"Services\": { $services } }" > "$work/services-$n.json"
  LKG_MACHINE="$work/machine-$n" "$published" init --from "$work/services-$n.json" >/dev/null
}
machine 0; machine 1; machine 100

boot() { LKG_MACHINE="$work/machine-$1" time_to_ready dotnet "$host" kernel; }
bare100() {
  local start end
  start=$(date +%s%N)
  for _ in $(seq 1 100); do "$work/ready" once >/dev/null; done
  end=$(date +%s%N)
  awk -v ns=$(( end - start )) 'BEGIN { printf "%.3f\n", ns / 1e6 }'
}

# The kernel keeps a start-up profile (multicore JIT) in the machine directory: one boot of each first.
boot 0 >/dev/null; boot 1 >/dev/null; boot 100 >/dev/null

per_service=(); bare=(); growth=(); ratios=(); b0s=(); b1s=(); b100s=()
for _ in $(seq 1 "$runs"); do
  b0=$(boot 0); b1=$(boot 1); b100=$(boot 100); base=$(bare100)
  b0s+=("$b0"); b1s+=("$b1"); b100s+=("$b100")
  per=$(awk -v a="$b100" -v z="$b0" 'BEGIN { printf "%.3f", (a - z) / 100 }')
  one=$(awk -v b="$base" 'BEGIN { printf "%.3f", b / 100 }')
  per_service+=("$per"); bare+=("$one")
  ratios+=("$(awk -v x="$per" -v y="$one" 'BEGIN { printf "%.4f", x / y }')")
  growth+=("$(awk -v x="$b100" -v y="$b1" 'BEGIN { printf "%.4f", x / y }')")
done
m() { printf '%s\n' "$@" | median; }
echo "boot to ready, median ms: 0 services $(m "${b0s[@]}"), 1 service $(m "${b1s[@]}"), 100 services $(m "${b100s[@]}")"
echo "boot with 100 services / boot with 1: paired ratio $(m "${growth[@]}")x over $runs runs"
echo "a service's start to ready $(m "${per_service[@]}") ms; bare fork/exec to ready $(m "${bare[@]}") ms;" \
  "paired ratio $(m "${ratios[@]}")x over $runs runs (goal <= 1.5x)"
