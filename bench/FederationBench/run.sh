#!/usr/bin/env bash
# Shared by bench/scripts/federation-*.sh: builds the confer CLI and the benchmark, then runs one
# federation and prints its figures.   usage: run.sh NAME MODEL_SIZE FLOWER_SECONDS [extra args]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
name="$1"; size="$2"; flower="$3"; shift 3
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# Another build may hold a file lock for a moment: retry a few times.
for attempt in 1 2 3 4 5; do
  if dotnet build "$root/src/Confer.Cli/Confer.Cli.csproj" -c Release -nologo -v quiet >"$log" 2>&1 \
    && dotnet build "$root/bench/FederationBench/FederationBench.csproj" -c Release -nologo -v quiet >>"$log" 2>&1; then
    break
  fi
  if [[ $attempt == 5 ]]; then
    cat "$log" >&2
    exit 1
  fi
  sleep 5
done

exec dotnet "$root/bench/FederationBench/bin/Release/net10.0/FederationBench.dll" run "$name" "$size" "$flower" "$@"
