#!/usr/bin/env bash
# Runs every test of the solution, after installing what the tests need.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/ensure-prerequisites.sh"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
dotnet test "$root/Confer.slnx" -c Release --no-restore --nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain closing line over all test projects.
awk -F'[:,]' '/(Passed|Failed)! +- +Failed:/ { f += $2; p += $4; s += $6 } END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
