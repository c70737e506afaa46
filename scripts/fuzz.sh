#!/usr/bin/env bash
# Fuzzes harnesses with afl-fuzz (Debian's afl++) for a bounded time each: publishes
# fuzz/LastKnownGood.Fuzz once, instruments LastKnownGood.dll and Sensor.dll with SharpFuzz, and
# starts each target from its committed corpus, fuzz/corpus/TARGET. What a run finds lands in
# OUT/TARGET/default/crashes (OUT is $LKG_FUZZ_OUT, default fuzz/out); once fixed, a reproducer
# goes to fuzz/regressions/TARGET/, which the tests replay (docs/fuzzing.md).
# Usage: scripts/fuzz.sh SECONDS TARGET...   (targets: manifest, channel, keypath, node, frame)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:?give the seconds to fuzz each target, then the targets: manifest, channel, keypath, node, frame}"
shift
out="${LKG_FUZZ_OUT:-fuzz/out}"
for target in "$@"; do
  if [[ ! -d "fuzz/corpus/$target" ]]; then
    echo "There is no fuzzing target \"$target\"; the targets are: $(ls fuzz/corpus | tr '\n' ' ')" >&2
    exit 2
  fi
done
if ! command -v afl-fuzz >/dev/null; then
  echo "afl-fuzz is not installed; install Debian's afl++ (apt-get install afl++) and run this again." >&2
  exit 1
fi

build="$out/bin"
rm -rf "$build"
dotnet publish fuzz/LastKnownGood.Fuzz -c Release -o "$build" --nologo -v quiet >/dev/null
dotnet tool restore >/dev/null
for assembly in LastKnownGood.dll Sensor.dll; do
  dotnet sharpfuzz "$build/$assembly" >/dev/null
done

found=0
for target in "$@"; do
  # afl-fuzz checks for a native binary and the kernel's crash handling; .NET reports its own crashes.
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_CPUFREQ=1 \
  AFL_NO_AFFINITY=1 AFL_AUTORESUME=1 \
    afl-fuzz -i "fuzz/corpus/$target" -o "$out/$target" -t 5000 -m none -V "$seconds" \
      -- dotnet "$build/LastKnownGood.Fuzz.dll" "$target" >"$out/$target.log" 2>&1 \
    || { echo "afl-fuzz failed on $target; see $out/$target.log" >&2; exit 1; }
  stats="$out/$target/default/fuzzer_stats"
  crashes=$(find "$out/$target/default/crashes" -type f -name 'id:*' | wc -l)
  hangs=$(find "$out/$target/default/hangs" -type f -name 'id:*' | wc -l)
  execs=$(sed -n 's/^execs_done *: //p' "$stats")
  echo "$target: $execs runs in ${seconds} s, $crashes crashes, $hangs hangs ($out/$target/default)"
  found=$((found + crashes + hangs))
done
[[ "$found" -eq 0 ]]
