#!/usr/bin/env bash
# Kills a process writing to the hive at many more random instants than the test run does.
# Usage: scripts/crash-soak.sh [TRIALS]   (default 2000)
set -euo pipefail
cd "$(dirname "$0")/.."
LKG_CRASH_TRIALS="${1:-2000}" dotnet test test/LastKnownGood.Tests --filter HiveCrashConsistencyTests
