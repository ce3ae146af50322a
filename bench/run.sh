#!/usr/bin/env bash
# Runs one benchmark by name: bench/run.sh NAME [args...]
# Each benchmark is bench/scripts/NAME.sh; its last line is
#   NAME: <figure> <unit> (baseline <figure> <unit>, ratio <r>)
# Benchmarks time real work on this machine; they are not tests and are not run by CI.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if [ $# -lt 1 ] || [ ! -f "$here/scripts/$1.sh" ]; then
  echo "usage: bench/run.sh NAME [args...]" >&2
  echo "benchmarks:" >&2
  for f in "$here"/scripts/*.sh; do
    [ -e "$f" ] || continue
    name="$(basename "$f" .sh)"
    desc="$(sed -n '2s/^# *//p' "$f")"
    printf '  %-22s %s\n' "$name" "$desc" >&2
  done
  [ $# -lt 1 ] && exit 2
  echo "unknown benchmark: $1" >&2
  exit 2
fi

name="$1"
shift
exec bash "$here/scripts/$name.sh" "$@"
