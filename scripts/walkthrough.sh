#!/usr/bin/env bash
# A short tour on a throwaway machine in a temporary directory: create a machine from the
# sample manifest, change it twice, and look at the control sets, a diff and Select.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dotnet build "$root/src/lkg" -c Release -v quiet -nologo -clp:NoSummary >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export LKG_MACHINE="$work/machine"
lkg() { dotnet "$root/src/lkg/bin/Release/net10.0/lkg.dll" "$@"; }
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
