#!/usr/bin/env bash
# Publishes lkg as it is installed, into one folder: the native lkg (NativeAOT: the command line
# and the boot manager) and beside it lkg-host (ReadyToRun: every boot's kernel), which lkg's
# publish publishes with it, and the demo's samples.
# Usage: scripts/publish.sh [OUT]   (default artifacts/lkg); prints OUT/lkg
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:-$root/artifacts/lkg}"
rid="linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"
dotnet publish "$root/src/lkg" -c Release -r "$rid" -o "$out" -v quiet -nologo -clp:NoSummary >&2
echo "$out/lkg"
