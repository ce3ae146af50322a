#!/usr/bin/env bash
# Federation speed, 100000 float32 values: 10 `confer collaborator start` processes and an aggregator over mutual TLS on loopback, echo runner, 10 rounds; against Flower 1.6 (no TLS).
# Figures: median seconds per round from the aggregator's clock (round 1, start-up, excluded), bytes on
# the wire per round against the tensor bytes moved (2 x 10 x model bytes), aggregator peak RSS.
# Flower 1.6's figure was measured on this machine without TLS: 0.077 s/round.
# Extra arguments go to the benchmark: --rounds N, --collaborators N, --keep (keep the logs).
# The last line is: federation-100k: <median> s/round (baseline 0.077 s/round, ratio <confer/flower>)
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/../FederationBench/run.sh" federation-100k 100000 0.077 "$@"
