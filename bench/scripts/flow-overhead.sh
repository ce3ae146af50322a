#!/usr/bin/env bash
# Workflow runtime overhead per task: no-op steps, 100 collaborators, 10 rounds, parallel backend, checkpoint off and on.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dotnet build "$root/bench/FlowOverhead/FlowOverhead.csproj" -c Release -v quiet -nologo >&2
dotnet "$root/bench/FlowOverhead/bin/Release/net10.0/FlowOverhead.dll" "$@"
