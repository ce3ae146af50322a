#!/usr/bin/env bash
# Installs what Confer needs on a fresh Debian 12 machine, and only what is missing:
# the Fashion-MNIST data set (Debian package dataset-fashion-mnist) and the NuGet packages.
# Run as root to install the Debian package; otherwise it prints the command to run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET SDK 10 is not on PATH; install it (https://dot.net) and run this again." >&2
  exit 1
fi

data_dir="${CONFER_DATA:-/usr/share/datasets/fashion-mnist}"
if [ ! -f "$data_dir/train-images-idx3-ubyte.gz" ] && [ ! -f "$data_dir/fashion-mnist/train-images-idx3-ubyte.gz" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> installing dataset-fashion-mnist (Debian package)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dataset-fashion-mnist >/dev/null
  else
    echo "Fashion-MNIST is missing. Install it with:" >&2
    echo "  sudo apt-get update && sudo apt-get install dataset-fashion-mnist" >&2
    echo "or point CONFER_DATA at a folder holding the four *-ubyte.gz files." >&2
    exit 1
  fi
fi

echo "==> restoring NuGet packages"
dotnet restore "$root/Confer.slnx" --verbosity quiet
