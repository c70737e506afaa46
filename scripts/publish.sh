#!/usr/bin/env bash
# Publishes lkg as it is installed: the native lkg (NativeAOT: the command line and the boot
# manager) and beside it lkg-host (ReadyToRun: every boot's kernel), into one folder.
# Usage: scripts/publish.sh [OUT]   (default artifacts/lkg); prints OUT/lkg
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/artifacts/lkg}"
rid="linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"
for project in src/lkg src/lkg-host; do
  dotnet publish "$root/$project" -c Release -r "$rid" -o "$out" -v quiet -nologo -clp:NoSummary >&2
done
echo "$out/lkg"
