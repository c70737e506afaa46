#!/usr/bin/env bash
# Kills the boot manager with SIGKILL at many more random moments than the test run does, then
# checks the machine: every boot recorded once with an end, Select valid, no kernel left; once on
# a plain machine, once through a bisection's trial boots (which must still end without its culprit).
# Usage: scripts/boot-kill-soak.sh [TRIALS] [SEED]   (default 100 trials, a random seed)
set -euo pipefail
cd "$(dirname "$0")/.."
LKG_KILL_TRIALS="${1:-100}" LKG_KILL_SEED="${2:-$RANDOM}" \
  dotnet test test/LastKnownGood.Tests --filter "FullyQualifiedName~BootManagerKilledAtRandomMoments"
