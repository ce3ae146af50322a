#!/usr/bin/env bash
# The least time a federation round can take on this machine: TLS 1.3 and SHA-256 throughput measured alone, scaled to the federation-* rounds (10 collaborators).
# A round moves 2 x 10 x model bytes through mutual TLS (one side encrypts, the other decrypts, the
# kernel copies both ways on loopback) and hashes 3 x 10 x model bytes with SHA-256 (download check,
# upload hash, upload check). Both costs are measured with nothing else in the way; HTTP/2, gRPC,
# durable storage, validation and aggregation are left out, so any real round costs more.
# Extra arguments: --collaborators N, --repeats N (default 3; the medians are used).
# The last line is: transport-floor: <s> s/round at 1M values (baseline 0.10 s/round, the federation-1m goal; ratio <floor/goal>)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dotnet build "$root/bench/FederationBench/FederationBench.csproj" -c Release -nologo -v quiet >/dev/null
exec dotnet "$root/bench/FederationBench/bin/Release/net10.0/FederationBench.dll" floor "$@"
