#!/usr/bin/env bash
# Packs lkg as the README says and installs it with dotnet tool install, as a user does: the
# package of pointers (dotnet pack) and this platform's package (dotnet pack -r RID: the native
# lkg, lkg-host and the demo's samples) into DIR/packages, installed into DIR/tool.
# Usage: scripts/install-tool.sh DIR; prints DIR/tool/lkg
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$1"
rid="linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"
quiet=(-c Release -v quiet -nologo -clp:NoSummary)
# Afresh: dotnet tool install leaves a tool already installed there as it was, and says so.
rm -rf "$dir/packages" "$dir/publish" "$dir/tool"
dotnet pack "$root/src/lkg" -o "$dir/packages" "${quiet[@]}" >&2
# A publish folder of its own, so the package never takes a file an earlier publish left there.
dotnet pack "$root/src/lkg" -r "$rid" -o "$dir/packages" -p:PublishDir="$dir/publish/" "${quiet[@]}" >&2
dotnet tool install --tool-path "$dir/tool" --source "$dir/packages" LastKnownGood.Tool >&2
echo "$dir/tool/lkg"
