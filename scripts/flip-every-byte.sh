#!/usr/bin/env bash
# Flips one bit of every byte of a small machine's system.db in turn, in process (reading, the
# recovery decision and the backup), then a larger sample through the real status, history and
# boot commands. The test run does 200 positions in process and 6 through the command line.
# Usage: scripts/flip-every-byte.sh [CLI_SAMPLES]   (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
LKG_FLIP_BYTES=all LKG_FLIP_CLI_SAMPLES="${1:-200}" dotnet test test/LastKnownGood.Tests \
    --filter "FullyQualifiedName~DamagedRowTests.FlippedBitAnywhere|FullyQualifiedName~DamagedRowCliTests.EveryCommand"
