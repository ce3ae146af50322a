#!/usr/bin/env bash
# Runs FederatedFlow under both backends, with and without checkpoint, and checks the final model hashes agree.
# Usage: examples/FederatedFlow/verify-backends.sh [extra options, e.g. --max-examples 500 --rounds 2]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dotnet build "$here/FederatedFlow.csproj" -c Release -v quiet -nologo >&2
store="$(mktemp -d)"
trap 'rm -rf "$store"' EXIT
hashes=()
for backend in sequential parallel; do
  for checkpoint in "" "--checkpoint"; do
    hash="$(dotnet "$here/bin/Release/net10.0/FederatedFlow.dll" --backend "$backend" $checkpoint --store "$store" "$@" | sed -n 's/^Final model hash: //p')"
    echo "$backend ${checkpoint:---no-checkpoint}: $hash"
    hashes+=("$hash")
  done
done
if [ "$(printf '%s\n' "${hashes[@]}" | sort -u | wc -l)" -ne 1 ]; then
  echo "final model hashes differ" >&2
  exit 1
fi
echo "all four runs ended with the same model"
