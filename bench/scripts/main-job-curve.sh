#!/usr/bin/env bash
# The main job's accuracy curve: confer simulate vs the same federation written in PyTorch 1.13.
# Both run the main job's setup (Fashion-MNIST, OpenFL's CNN, 4 strided collaborators, FedAvg,
# 1 local epoch of SGD lr 0.01 momentum 0.5 batch 64, 5 rounds, inputs (x - 0.1307) / 0.3081,
# centralized evaluation on the 10,000 test images), once per seed, alternating Confer and
# PyTorch, and prints each round's mean accuracy over the seeds with the gap in points.
# Round 1 varies by about +-2 points from seed to seed in both: use several seeds.
#
# Environment:
#   CURVE_SEEDS="0 1 2 3 4"   seeds (each is one Confer and one PyTorch run)
#   PYTHON=/usr/bin/python3   an interpreter with PyTorch (Debian's python3-torch)
# The last line is: main-job-curve: <confer round means> accuracy (baseline <pytorch round means>, ratio <mean of confer/pytorch>)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
here="$root/bench/scripts"
seeds="${CURVE_SEEDS:-0 1 2 3 4}"
python="${PYTHON:-/usr/bin/python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if ! "$python" -c "import torch, numpy" 2>/dev/null; then
  echo "main-job-curve: $python cannot import torch; install python3-torch (apt-get install python3-torch) or set PYTHON" >&2
  exit 1
fi

dotnet build "$root/src/Confer.Cli" -c Release --verbosity quiet --nologo >/dev/null
confer="$root/src/Confer.Cli/bin/Release/net10.0/confer.dll"

for seed in $seeds; do
  echo "seed $seed: confer simulate" >&2
  dotnet "$confer" simulate --seed "$seed" --output "$work/confer-$seed" >"$work/confer-$seed.log" 2>&1
  jq -r '.rounds[] | "\(.round) \(.metrics_centralized.accuracy)"' "$work/confer-$seed/history.json" >"$work/confer-$seed.txt"
  echo "seed $seed: pytorch" >&2
  "$python" "$here/federated_reference.py" --seed "$seed" |
    sed -n 's/^round=\([0-9]*\) accuracy=\([0-9.]*\).*/\1 \2/p' >"$work/pytorch-$seed.txt"
done

cat "$work"/confer-*.txt | sed 's/^/confer /' >"$work/all.txt"
cat "$work"/pytorch-*.txt | sed 's/^/pytorch /' >>"$work/all.txt"
awk '
  { sum[$1, $2] += $3; n[$1, $2]++; if ($2 > rounds) rounds = $2 }
  END {
    printf "%-6s %10s %10s %8s\n", "round", "confer", "pytorch", "gap"
    ratio = 0
    for (r = 1; r <= rounds; r++) {
      c = sum["confer", r] / n["confer", r]; p = sum["pytorch", r] / n["pytorch", r]
      printf "%-6d %10.3f %10.3f %+7.1f pt\n", r, c, p, (c - p) * 100
      cs = cs (r > 1 ? "/" : "") sprintf("%.3f", c); ps = ps (r > 1 ? "/" : "") sprintf("%.3f", p)
      ratio += c / p
    }
    printf "main-job-curve: %s accuracy (baseline %s accuracy, ratio %.3f)\n", cs, ps, ratio / rounds
  }' "$work/all.txt"
