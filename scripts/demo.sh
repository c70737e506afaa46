#!/usr/bin/env bash
# The main job: the CrowdStrike update of 19 July 2024 replayed on four throwaway machines at once,
# one per recovery mode (lkg demo crowdstrike --mode all), in a temporary directory deleted at the
# end, with lkg as a user installs it: packed, installed with dotnet tool install
# (scripts/install-tool.sh), and run from where it was installed.
# Usage: scripts/demo.sh [lkg demo crowdstrike options, such as --json]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
lkg_program=$("$root/scripts/install-tool.sh" "$work")
"$lkg_program" demo crowdstrike --mode all "$@"
