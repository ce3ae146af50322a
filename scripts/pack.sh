#!/usr/bin/env bash
# Packs Confer's libraries as NuGet packages into a local feed folder (default artifacts/packages),
# the feed a workspace's own code (code/*.csproj) restores them from. With --tool it packs the
# `confer` tool too (linux-x64 only, large: it carries LibTorch). Builds first unless --no-build.
#   bash scripts/pack.sh [--no-build] [--tool] [--output DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/artifacts/packages"
build=1
tool=0
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --tool) tool=1 ;;
    --output) out="$2"; shift ;;
    *) echo "usage: bash scripts/pack.sh [--no-build] [--tool] [--output DIR]" >&2; exit 2 ;;
  esac
  shift
done

libraries=(Confer.Core Confer.Data Confer.Plan Confer.Pki Confer.Torch Confer.Federation Confer.Federation.Torch Confer.Federation.Grpc Confer.Workflow)
[ "$tool" = 1 ] && libraries+=(Confer.Cli)
mkdir -p "$out"
# A package of the same version restored before stays in NuGet's global folder and would shadow
# the one packed now: drop Confer's own packages from it (nothing else is touched).
packages_folder="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
for library in "${libraries[@]}"; do
  rm -rf "$packages_folder/$(echo "$library" | tr '[:upper:]' '[:lower:]')"
done
for library in "${libraries[@]}"; do
  args=(-c Release --nologo -v q -o "$out")
  if [ "$library" = Confer.Cli ]; then
    # A tool package for linux-x64 (ToolPackageRuntimeIdentifiers): restored and published for that runtime here.
    args+=(-p:RuntimeIdentifiers=linux-x64)
  elif [ "$build" = 0 ]; then
    args+=(--no-build)
  fi
  dotnet pack "$root/src/$library/$library.csproj" "${args[@]}" >/dev/null
done
echo "packed ${#libraries[@]} packages into $out"
