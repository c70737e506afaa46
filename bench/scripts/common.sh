# Shared by the end-to-end benchmark scripts; sourced, not run. The caller sets `root` and
# `work` and defines `lkg`.

# lkg as it is installed (scripts/publish.sh, into "$work/lkg"), run by the function lkg.
use_published_lkg() {
  lkg_program=$("$root/scripts/publish.sh" "$work/lkg")
  lkg() { "$lkg_program" "$@"; }
}

# The baseline: the smallest .NET program, printing "ready", built into "$work/hello/out".
build_hello_world() {
  mkdir -p "$work/hello" && cat > "$work/hello/hello.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>
XML
  echo 'System.Console.WriteLine("ready");' > "$work/hello/Program.cs"
  dotnet build "$work/hello" -c Release -o "$work/hello/out" -v quiet -nologo -clp:NoSummary >/dev/null
}

# Ten copies of the Hello driver, signed with the key "bench" and installed as System start.
install_ten_hellos() {
  for i in $(seq 1 10); do
    local package="$work/packages/Hello$i"
    mkdir -p "$package"
    cp "$root/samples/Drivers/Hello/bin/Release/net10.0/Hello.dll" "$package/"
    printf '{ "name": "Hello%d", "version": "1.0.0", "assembly": "Hello.dll", "type": "Hello.HelloDriver" }\n' "$i" > "$package/driver.json"
    lkg sign "$package" --key bench >/dev/null
    lkg driver install "$package" --start system >/dev/null
  done
}

# A machine at $LKG_MACHINE that bug checks at every boot: Classic, no Last Known Good yet, the
# Sensor built in TREE with its bad channel file, signed with the key "bench" (created when
# $LKG_KEYS has no keys yet). Two boots bug check, the third is safe mode, and the run halts.
# Usage: bad_sensor_machine TREE LKG-COMMAND...
bad_sensor_machine() {
  local tree="$1" package="$LKG_MACHINE-Sensor"
  shift
  "$@" init --policy classic >/dev/null
  [[ -d "$LKG_KEYS" ]] || "$@" keys create bench >/dev/null
  "$@" keys trust bench >/dev/null
  mkdir -p "$package"
  cp "$tree/samples/Drivers/Sensor/bin/Release/net10.0/"{Sensor.dll,driver.json} "$package/"
  "$@" sign "$package" --key bench >/dev/null
  "$@" driver install "$package" --start boot --error-control critical --group Early-Launch >/dev/null
  "$@" content push Sensor "$root/samples/Drivers/Sensor/content/C-00000291-00000000-00000032.sys" --name C-00000291-00000000-00000001.sys >/dev/null
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Milliseconds from start until the program prints "ready"; it is then stopped with SIGTERM.
time_to_ready() {
  local start end
  start=$(now_ms)
  coproc PROGRAM { exec "$@" 2>/dev/null; }
  # Bash unsets PROGRAM_PID once the program has ended, which a hello world may do at once.
  local pid=$PROGRAM_PID
  while read -r line <&"${PROGRAM[0]}"; do [[ "$line" == ready ]] && break; done
  end=$(now_ms)
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo $(( end - start ))
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# Milliseconds a command takes to run to its end (to the microsecond), its output discarded.
wall_ms() {
  local start ns
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1
  ns=$(( $(date +%s%N) - start ))
  printf '%d.%03d\n' $(( ns / 1000000 )) $(( ns / 1000 % 1000 ))
}

# "A B" pairs, A then B, RUNS times: prints the median of the per-pair ratios A / B, then the
# medians of A and of B in ms. A and B are the names of shell functions that run one command.
paired_ratio() {
  local a="$1" b="$2" runs="$3" ta tb ratios=() as=() bs=()
  for _ in $(seq 1 "$runs"); do
    ta=$(wall_ms "$a"); tb=$(wall_ms "$b")
    as+=("$ta"); bs+=("$tb")
    ratios+=("$(awk -v x="$ta" -v y="$tb" 'BEGIN { printf "%.4f", x / (y > 0 ? y : 1) }')")
  done
  echo "$(printf '%s\n' "${ratios[@]}" | median) $(printf '%s\n' "${as[@]}" | median) $(printf '%s\n' "${bs[@]}" | median)"
}

# Instructions a command executes from start to exit under valgrind's callgrind, children not
# followed; empty when valgrind is not installed.
instructions() {
  command -v valgrind >/dev/null || return 0
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p' | tail -1
}

# An Improved machine at $LKG_MACHINE for the recovery benchmarks: AcceptAfter 0, the key "bench"
# trusted, the Sensor built in Release, signed and installed as on 19 July (boot start, Critical,
# kernel mode) with its good channel file, and one accepted boot.
improved_sensor_machine() {
  lkg init >/dev/null
  lkg keys create bench --trust >/dev/null
  lkg reg set 'SYSTEM\CurrentControlSet\Control\Recovery' AcceptAfter 0 --type dword >/dev/null
  dotnet build "$root/samples/Drivers/Sensor" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
  mkdir -p "$work/Sensor" && cp "$root/samples/Drivers/Sensor/bin/Release/net10.0/"{Sensor.dll,driver.json} "$work/Sensor/"
  lkg sign "$work/Sensor" --key bench >/dev/null
  lkg driver install "$work/Sensor" --start boot --error-control critical --group Early-Launch >/dev/null
  lkg content push Sensor "$root/samples/Drivers/Sensor/content/C-00000291-00000000-00000001.sys" >/dev/null
  lkg boot --until accepted --timeout 60s >/dev/null
}
