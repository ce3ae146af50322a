#!/usr/bin/env bash
# Simulation engine: ms per round against a hand-written loop (1,000 clients, 10% per round, 100k parameters), peak memory at 1,000 and 10,000 clients.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
project="$root/bench/SimulationEngine"
dotnet build "$project" -c Release --nologo --verbosity quiet
dll="$project/bin/Release/net10.0/SimulationEngine.dll"

# Memory: separate processes, so each peak belongs to one client count.
dotnet "$dll" memory 1000
dotnet "$dll" memory 10000

# Speed: engine and hand-written loop alternate in one process; the last line is the figure.
dotnet "$dll" time "${1:-15}"
