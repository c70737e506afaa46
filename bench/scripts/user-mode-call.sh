#!/usr/bin/env bash
# A user-mode driver's call round trip against the same call in the kernel, measured in the same
# run: the UserModeProbe test driver's "bench" probe times Calls QueryParameter calls (after a
# tenth as many to warm up). Two machines: the probe installed in kernel mode, and in user mode
# (its own lkg-host umhost). ROUNDS boots of each, alternating; prints every boot's figure and
# the medians. The baseline: a raw Unix-domain stream socket ping-pong of 64 bytes between two
# .NET processes (built here, System.Net.Sockets, one blocking thread each side), CALLS round trips
# after a tenth as many, timed in each round between the two boots.
# Usage: bench/scripts/user-mode-call.sh [ROUNDS] [CALLS]   (defaults 5, 20000)
set -euo pipefail
rounds="${1:-5}"
calls="${2:-20000}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for project in src/lkg src/lkg-host test/TestDrivers/UserModeProbe; do
  dotnet build "$root/$project" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
done
bin="$root/src/lkg/bin/Release/net10.0"
host="$root/src/lkg-host/bin/Release/net10.0/lkg-host.dll"
lkg() { dotnet "$bin/lkg.dll" "$@"; }
mkdir -p "$work/pingpong" && cat > "$work/pingpong/pingpong.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally><ImplicitUsings>enable</ImplicitUsings></PropertyGroup></Project>
XML
cat > "$work/pingpong/Program.cs" <<'CS'
using System.Diagnostics;
using System.Net.Sockets;
var endpoint = new UnixDomainSocketEndPoint(args[1]);
var buffer = new byte[64];
void Exact(Socket s) { for (var got = 0; got < buffer.Length;) { var n = s.Receive(buffer, got, buffer.Length - got, SocketFlags.None); got += n > 0 ? n : throw new SocketException(); } }
if (args[0] == "echo")
{
    using var c = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    c.Connect(endpoint);
    try { while (true) { Exact(c); c.Send(buffer); } } catch (SocketException) { }
    return;
}
var count = int.Parse(args[2]);
using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
listener.Bind(endpoint);
listener.Listen(1);
using var echo = Process.Start("dotnet", [Environment.GetCommandLineArgs()[0], "echo", args[1]]);
using var peer = listener.Accept();
double Time(int n) { var clock = Stopwatch.StartNew(); for (var i = 0; i < n; i++) { peer.Send(buffer); Exact(peer); } return clock.Elapsed.TotalMicroseconds / n; }
Time(count / 10);
Console.WriteLine(Time(count).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
peer.Shutdown(SocketShutdown.Both);
echo.WaitForExit();
CS
dotnet build "$work/pingpong" -c Release -o "$work/pingpong/out" -v quiet -nologo -clp:NoSummary >/dev/null
export LKG_KEYS="$work/keys"
lkg keys create bench >/dev/null

for mode in kernel user; do
  export LKG_MACHINE="$work/$mode"
  lkg init >/dev/null
  lkg keys trust bench >/dev/null
  package="$work/package-$mode"
  mkdir -p "$package"
  cp "$root/test/TestDrivers/UserModeProbe/bin/Release/net10.0/"{UserModeProbe.dll,driver.json} "$package/"
  lkg sign "$package" --key bench >/dev/null
  lkg driver install "$package" --mode "$mode" --start system >/dev/null
  lkg reg set 'SYSTEM\CurrentControlSet\Services\UserModeProbe\Parameters' Probe bench >/dev/null
  lkg reg set 'SYSTEM\CurrentControlSet\Services\UserModeProbe\Parameters' Calls "$calls" --type dword >/dev/null
done

one_boot() { # mode -> the mean call in microseconds
  export LKG_MACHINE="$work/$1"
  coproc KERNEL { exec dotnet "$host" kernel 2>&1; }
  local pid=$KERNEL_PID line figures=""
  while read -r line <&"${KERNEL[0]}"; do
    [[ "$line" == *"bench: "* ]] && figures="$(sed -E 's/.*QueryParameter ([0-9.]+) us.*/\1/' <<<"$line")"
    [[ "$line" == ready ]] && break
  done
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "$figures"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
: >"$work/kernel.txt"; : >"$work/user.txt"; : >"$work/pingpong.txt"
for round in $(seq 1 "$rounds"); do
  for mode in kernel user; do
    call="$(one_boot "$mode")"
    echo "round $round, $mode mode: QueryParameter $call us"
    echo "$call" >>"$work/$mode.txt"
  done
  rm -f "$work/pingpong.sock"
  pong="$(dotnet "$work/pingpong/out/pingpong.dll" time "$work/pingpong.sock" "$calls")"
  echo "round $round, ping-pong: $pong us"
  echo "$pong" >>"$work/pingpong.txt"
done
kernel_call=$(median <"$work/kernel.txt")
user_call=$(median <"$work/user.txt")
pong=$(median <"$work/pingpong.txt")
echo "medians: kernel-mode call $kernel_call us, user-mode call $user_call us, ping-pong $pong us"
awk -v u="$user_call" -v k="$kernel_call" -v p="$pong" 'BEGIN { printf "user-mode call / ping-pong: %.2f; user-mode call / kernel-mode call: %.1f\n", u / p, u / k }'
