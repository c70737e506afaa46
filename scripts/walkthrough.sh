#!/usr/bin/env bash
# A short tour on a throwaway machine in a temporary directory: create a machine from the
# sample manifest, change it twice, and look at the control sets, a diff and Select.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dotnet build "$root/src/lkg" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
dotnet build "$root/samples/Drivers/Sensor" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export LKG_MACHINE="$work/machine" LKG_KEYS="$work/keys"
lkg_dll="$root/src/lkg/bin/Release/net10.0/lkg.dll"
lkg() { dotnet "$lkg_dll" "$@"; }
step() { printf '\n\033[1m$ lkg %s\033[0m\n' "$*"; lkg "$@"; }

step init --from "$root/samples/machines/workstation.json"
step reg query 'SYSTEM\CurrentControlSet\Services\Sensor'

# A new channel file: content lives inside the control sets, so it is versioned like the registry.
printf 'channel-file 291 v2: 21 fields, field 21 = "\\\\pipe\\\\*"\n' > "$work/C-00000291-00000000-00000002.sys"
step reg set 'SYSTEM\CurrentControlSet\Services\Sensor\Content' C-00000291-00000000-00000001.sys \
  "$work/C-00000291-00000000-00000002.sys" --type file --reason "channel file 291 update"
step reg set 'SYSTEM\CurrentControlSet\Services\Sensor\Parameters' EventBudget 21 --type dword \
  --reason "raise the event budget"

step controlset list
step controlset diff 1 3
step status

printf '\nA bad value is refused with one sentence and changes nothing:\n'
step reg set 'SYSTEM\CurrentControlSet\Services\Sensor' Start 9 --type dword || echo "(exit code $?)"

printf '\n\033[1mThe kernel and the Sensor driver\033[0m: sign the sample driver, install it, boot.\n'
mkdir -p "$work/Sensor"
cp "$root/samples/Drivers/Sensor/bin/Release/net10.0/"{Sensor.dll,driver.json} "$work/Sensor/"
step keys create walkthrough --trust
step sign "$work/Sensor" --key walkthrough
step driver install "$work/Sensor" --start boot --error-control critical --group Early-Launch
content='SYSTEM\CurrentControlSet\Services\Sensor\Content'
step reg set "$content" C-00000291-00000000-00000001.sys \
  "$root/samples/Drivers/Sensor/content/C-00000291-00000000-00000001.sys" --type file --reason "channel file 291: field 21 a wildcard"

boot() {
  printf '\n\033[1m$ lkg kernel\033[0m  (one boot)\n'
  coproc KERNEL { exec dotnet "$lkg_dll" kernel 2>&1; }
  while read -r line <&"${KERNEL[0]}"; do
    echo "  $line"
    [[ "$line" == ready ]] && kill -TERM "$KERNEL_PID"
  done
  wait "$KERNEL_PID" && status=0 || status=$?
  echo "(kernel exit code $status)"
}
boot

printf '\nThe update of 19 July: field 21 of a new template instance is a value, not a wildcard.\n'
step reg set "$content" C-00000291-00000000-00000001.sys \
  "$root/samples/Drivers/Sensor/content/C-00000291-00000000-00000032.sys" --type file --reason "channel file 291 update"
boot
printf '\nEvery boot now ends this way (exit code 66, bug check 0x50 in Sensor). The boot manager,\n'
printf 'the next stage, falls back to Last Known Good: the channel file is in the control set.\n'
