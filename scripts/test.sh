#!/usr/bin/env bash
# Runs every test of the solution, after installing what the tests need.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/ensure-prerequisites.sh"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
set +e
# Build once, pack the libraries into the local feed a workspace's own code restores them from
# (the workspace-code tests build such projects), then test what was built.
status=0
dotnet build "$root/Confer.slnx" -c Release --no-restore --nologo -v q -clp:NoSummary 2>&1 | tee "$log" || status=1
if [ "$status" = 0 ]; then
  bash "$root/scripts/pack.sh" --no-build 2>&1 | tee -a "$log" || status=1
fi
if [ "$status" = 0 ]; then
  dotnet test "$root/Confer.slnx" -c Release --no-build --nologo 2>&1 | tee -a "$log"
  status=${PIPESTATUS[0]}
fi
set -e
# One plain closing line over all test projects.
awk -F'[:,]' '/(Passed|Failed)! +- +Failed:/ { f += $2; p += $4; s += $6 } END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
