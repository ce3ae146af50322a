#!/usr/bin/env bash
# The main job: installs what is missing, builds Confer and runs a federated training on
# Fashion-MNIST (four simulated collaborators, FedAvg, five rounds).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/ensure-prerequisites.sh"
echo "==> building"
dotnet build "$root/src/Confer.Cli" -c Release --no-restore --verbosity quiet --nologo
echo "==> running"
exec dotnet "$root/src/Confer.Cli/bin/Release/net10.0/confer.dll" simulate "$@"
