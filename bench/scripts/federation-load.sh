#!/usr/bin/env bash
# Federation under load: 50 collaborators (10 per process, 5 processes) x 20 rounds of 10000 float32 values, mutual TLS on loopback, echo runner; against 10 collaborators in the same run.
# Reports errors (collaborator exit codes, Warning/Error log lines of every node; goal none), lost
# results (acknowledged to collaborators vs counted by the aggregator, per round; goal none), the
# aggregator's RSS per round and every second (goal flat), and the median round time from the
# aggregator's clock (round 1, start-up, excluded).
# Baseline: the same federation with 10 collaborators in one process, measured first in the same
# invocation (so both figures see the same machine load); the ratio says how round time scales
# with 5x the collaborators.
# Bounded: a global timeout (default 900 s, --timeout SECONDS) kills every process and reports failure.
# Extra arguments go to the benchmark: --rounds N, --collaborators N, --processes N,
# --baseline-collaborators N, --timeout SECONDS, --keep (keep the workspaces and logs).
# The last line is: federation-load: <median> s/round (baseline <median> s/round, ratio <load/baseline>)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# Another build may hold a file lock for a moment: retry a few times.
for attempt in 1 2 3 4 5; do
  if dotnet build "$root/bench/FederationBench/FederationBench.csproj" -c Release -nologo -v quiet >"$log" 2>&1; then
    break
  fi
  if [[ $attempt == 5 ]]; then
    cat "$log" >&2
    exit 1
  fi
  sleep 5
done

exec dotnet "$root/bench/FederationBench/bin/Release/net10.0/FederationBench.dll" load federation-load 10000 "$@"
