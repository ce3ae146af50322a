#!/usr/bin/env bash
# Aggregation speed: the example-weighted mean of 10 updates of 10,000,000 float32 values through
# Confer's streaming accumulator (validation included), next to a plain streaming baseline
# (acc += x with TensorPrimitives.Add) over the same buffers, in the same process.
# GB/s = (bytes of the 10 inputs read + bytes of the result written) / time, for both.
# The machine is shared and noisy, so the headline figures are medians of alternating runs.
# The last line is: aggregate: <GB/s> GB/s (baseline <GB/s> GB/s, ratio <ours/baseline>)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
project="$root/bench/Confer.Benchmarks"
dll="$project/bin/Release/net10.0/Confer.Benchmarks.dll"
artifacts="$(mktemp -d)"
trap 'rm -rf "$artifacts"' EXIT

# Another build may hold a file lock for a moment: retry a few times.
for attempt in 1 2 3 4 5; do
  if dotnet build "$project" -c Release -nologo -v quiet >"$artifacts/build.log" 2>&1; then
    break
  fi
  if [[ $attempt == 5 ]]; then
    cat "$artifacts/build.log" >&2
    exit 1
  fi
  sleep 5
done

echo "== BenchmarkDotNet, short job, in process (Threads = threads a tensor is split across)"
dotnet "$dll" --filter '*AggregateBenchmarks*' --job short --warmupCount 1 --iterationTime 250 --inProcess --memory \
  --artifacts "$artifacts/bdn" --exporters json >"$artifacts/bdn.log" 2>&1 || {
  cat "$artifacts/bdn.log" >&2
  exit 1
}
grep -E '^\|' "$artifacts/bdn.log" || true

echo "== alternating medians (headline)"
dotnet "$dll" aggregate-alternating 15
