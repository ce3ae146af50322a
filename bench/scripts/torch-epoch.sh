#!/usr/bin/env bash
# Seconds per training epoch of OpenFL's CNN on Fashion-MNIST: Confer.Torch (TorchSharp) vs PyTorch 1.13.
# Both train the same network with the same settings (60,000 images, SGD lr 0.01, momentum 0.5,
# batch 64, 2 threads) as long-lived processes that each train one epoch when told to, so the
# epochs alternate (TorchSharp, PyTorch, PyTorch, TorchSharp, ...) and machine noise hits both.
# Each epoch reports its training time (evaluation excluded), the test accuracy after it, and
# whether every loss and weight stayed finite. Headline figures are medians over all epochs.
#
# Environment:
#   TORCH_EPOCHS=3            epochs per framework (the reference figures use 5)
#   TORCH_EPOCH_SEED=1        initialisation and shuffling seed
#   TORCH_EPOCH_COMPARE=      extra TorchSharp oneDNN modes to time alongside, e.g. "disabled libtorch-default"
#   TORCH_EPOCH_GLIBC_TUNABLES=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4000000000
#                             glibc malloc settings for every timed process ("" to run without);
#                             keeps large tensor buffers on the heap instead of mmap/munmap per call
#   PYTHON=/usr/bin/python3   an interpreter with PyTorch (Debian's python3-torch)
# The last line is: torch-epoch: <ts median> s/epoch (baseline <pytorch median> s/epoch, ratio <ts/pt>)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
project="$root/bench/TorchEpoch"
dll="$project/bin/Release/net10.0/TorchEpoch.dll"
epochs="${TORCH_EPOCHS:-3}"
seed="${TORCH_EPOCH_SEED:-1}"
compare="${TORCH_EPOCH_COMPARE:-}"
python="${PYTHON:-/usr/bin/python3}"
tunables="${TORCH_EPOCH_GLIBC_TUNABLES-glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4000000000}"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

if ! "$python" -c 'import torch' 2>/dev/null; then
  echo "torch-epoch: $python cannot import torch; install python3-torch (apt-get install python3-torch) or set PYTHON" >&2
  exit 1
fi

# Another build may hold a file lock for a moment: retry a few times.
for attempt in 1 2 3 4 5; do
  if dotnet build "$project" -c Release -nologo -v quiet >"$work/build.log" 2>&1; then
    break
  fi
  if [[ $attempt == 5 ]]; then
    cat "$work/build.log" >&2
    exit 1
  fi
  sleep 5
done

# Each runner reads "epoch" lines from a FIFO and writes one result line per epoch to another.
runners=(torchsharp pytorch)
start_runner() {
  local name="$1"
  shift
  mkfifo "$work/$name.in" "$work/$name.out"
  if [[ -n "$tunables" ]]; then
    GLIBC_TUNABLES="$tunables" "$@" <"$work/$name.in" >"$work/$name.out" 2>"$work/$name.err" &
  else
    "$@" <"$work/$name.in" >"$work/$name.out" 2>"$work/$name.err" &
  fi
  pids+=("$!")
}

start_runner torchsharp dotnet "$dll" --seed "$seed" --label torchsharp
start_runner pytorch "$python" "$root/bench/scripts/torch_epoch.py" --seed "$seed" --threads 2
for mode in $compare; do
  runners+=("ts-$mode")
  start_runner "ts-$mode" dotnet "$dll" --seed "$seed" --onednn "$mode" --label "ts-$mode"
done

fd=10
declare -A in_fd out_fd
for name in "${runners[@]}"; do
  eval "exec $fd>\"$work/$name.in\""
  in_fd[$name]=$fd
  fd=$((fd + 1))
  eval "exec $fd<\"$work/$name.out\""
  out_fd[$name]=$fd
  fd=$((fd + 1))
done

for name in "${runners[@]}"; do
  if ! IFS= read -r line <&"${out_fd[$name]}"; then
    echo "torch-epoch: $name did not start:" >&2
    cat "$work/$name.err" >&2
    exit 1
  fi
  echo "$name: $line"
done

declare -A seconds
printf '%-22s %5s %9s %8s %9s %7s\n' runner epoch seconds loss accuracy finite
for ((e = 1; e <= epochs; e++)); do
  order=("${runners[@]}")
  if ((e % 2 == 0)); then
    # Reverse the order on even epochs so no runner always follows the same neighbour.
    order=()
    for ((i = ${#runners[@]} - 1; i >= 0; i--)); do order+=("${runners[$i]}"); done
  fi
  for name in "${order[@]}"; do
    echo epoch >&"${in_fd[$name]}"
    if ! IFS= read -r line <&"${out_fd[$name]}"; then
      echo "torch-epoch: $name stopped during epoch $e:" >&2
      tail -n 20 "$work/$name.err" >&2
      exit 1
    fi
    s="$(sed -n 's/.*seconds=\([^ ]*\).*/\1/p' <<<"$line")"
    l="$(sed -n 's/.*loss=\([^ ]*\).*/\1/p' <<<"$line")"
    a="$(sed -n 's/.*accuracy=\([^ ]*\).*/\1/p' <<<"$line")"
    f="$(sed -n 's/.*finite=\([^ ]*\).*/\1/p' <<<"$line")"
    seconds[$name]="${seconds[$name]:-} $s"
    printf '%-22s %5d %9s %8s %9s %7s\n' "$name" "$e" "$s" "$l" "$a" "$f"
    echo "$name $e $s $l $a $f" >>"$work/results"
  done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END {if (NR % 2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2}'; }
for name in "${runners[@]}"; do
  m="$(median <<<"${seconds[$name]}")"
  finite="$(awk -v n="$name" '$1 == n && $6 != "true" {bad = 1} END {print bad ? "NO" : "yes"}' "$work/results")"
  echo "$name: median $m s/epoch over $epochs epochs, all losses and weights finite: $finite"
done

ts="$(median <<<"${seconds[torchsharp]}")"
pt="$(median <<<"${seconds[pytorch]}")"
ratio="$(awk -v a="$ts" -v b="$pt" 'BEGIN {printf "%.2f", a / b}')"
echo "glibc tunables: ${tunables:-none}; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "torch-epoch: $ts s/epoch (baseline $pt s/epoch, ratio $ratio)"
