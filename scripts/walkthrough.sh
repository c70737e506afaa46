#!/usr/bin/env bash
# The CrowdStrike outage of 19 July 2024 on a throwaway machine in a temporary directory, with
# the Classic policy, which is Windows exactly: the Sensor driver boots with a good channel file
# and the boot is accepted as Last Known Good; the bad channel file arrives; every boot stops
# with bug check 0x50; Last Known Good does not help, because the file is outside the control
# sets; safe mode boots, a person deletes C-00000291*, and a normal boot is accepted again.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# lkg as it is installed (native lkg, lkg-host beside it), and the two sample drivers.
lkg_program=$("$root/scripts/publish.sh" "$work/lkg")
for project in samples/Drivers/Sensor samples/Drivers/Hello; do
  dotnet build "$root/$project" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
done
export LKG_MACHINE="$work/machine" LKG_KEYS="$work/keys"
lkg() { "$lkg_program" "$@"; }
step() { printf '\n\033[1m$ lkg %s\033[0m\n' "$*"; lkg "$@"; }
say() { printf '\n\033[36m%s\033[0m\n' "$*"; }

say "A machine from the sample manifest, with Windows' own recovery policy."
step init --from "$root/samples/machines/workstation.json" --policy classic
step reg set 'SYSTEM\CurrentControlSet\Control\Recovery' AcceptAfter 2 --type dword --reason "accept after 2 s, for the demo"

say "Sign the two sample drivers with a trusted key and install them."
step keys create walkthrough --trust
for driver in Sensor Hello; do
  mkdir -p "$work/$driver"
  cp "$root/samples/Drivers/$driver/bin/Release/net10.0/"{"$driver.dll",driver.json} "$work/$driver/"
  step sign "$work/$driver" --key walkthrough
done
step driver install "$work/Sensor" --start boot --error-control critical --group Early-Launch
step driver install "$work/Hello" --start system --error-control normal --group Base
step content list Sensor

say "Boot. The Sensor reads channel file 291 (field 21 a wildcard); the boot is accepted."
step boot --until accepted --timeout 60s

say "19 July, 04:09 UTC: the new channel file 291 sets field 21 to a value. It is not in any control set."
step content push Sensor "$root/samples/Drivers/Sensor/content/C-00000291-00000000-00000032.sys" --name C-00000291-00000000-00000001.sys
step controlset list

say "Boot again: bug check 0x50 at every boot; Last Known Good brings back the same control set, and the same file."
step boot --until halted --timeout 120s
step history
step status
step crashes

say "A person in safe mode deletes C-00000291*.sys, and boots normally."
step content delete Sensor 'C-00000291*'
step boot --until accepted --timeout 60s
step history

say "Bad input is refused with one sentence and changes nothing:"
step reg set 'SYSTEM\CurrentControlSet\Services\Sensor' Start 9 --type dword || echo "(exit code $?)"
step boot --until sometimes || echo "(exit code $?)"
