#!/usr/bin/env bash
# What a workspace's own code adds to a start: `confer plan print` (build or cache check, load, plan load) in a tabular_csv workspace, first build vs cached, against an echo workspace without code.
# Every start command (aggregator, collaborator) does this same work before it connects; the
# rounds alternate the three cases, and the figures are medians of 5.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dotnet build "$root/src/Confer.Cli" -c Release --nologo -v q >/dev/null
[ -d "$root/artifacts/packages" ] || bash "$root/scripts/pack.sh" --no-build
confer="$root/src/Confer.Cli/bin/Release/net10.0/confer"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$confer" workspace create --prefix "$work/code" --template tabular_csv >/dev/null
"$confer" workspace create --prefix "$work/plain" --template echo >/dev/null

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'; }
first=() cached=() plain=()
for _ in 1 2 3 4 5; do
  rm -rf "$work/code/code/bin" "$work/code/code/obj"
  first+=("$(seconds "$confer" plan print -w "$work/code")")
  cached+=("$(seconds "$confer" plan print -w "$work/code")")
  plain+=("$(seconds "$confer" plan print -w "$work/plain")")
done
median() { printf '%s\n' "$@" | sort -g | sed -n 3p; }
f=$(median "${first[@]}"); c=$(median "${cached[@]}"); p=$(median "${plain[@]}")
printf 'first build %.2f s, from the cache %.2f s, without code %.2f s (medians of 5)\n' "$f" "$c" "$p"
awk -v f="$f" -v c="$c" -v p="$p" 'BEGIN { printf "workspace-code-start: %.2f s added by cached code (baseline %.2f s without code, ratio %.2f; a first build adds %.2f s)\n", c - p, p, c / p, f - p }'
