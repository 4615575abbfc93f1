#!/usr/bin/env bash
# A SQLMesh run to watch live: plans tests/sqlmesh/project, runs it once,
# then starts the failing run with sqlmesh_example.slow_model sleeping
# <seconds>, the recorder folding its events into <store> as it goes (about
# once a second). Prints "live run starting" when that run begins and exits
# when it has ended (exit 0: every step did what driver.py says).
# Usage: tests/sqlmesh/live.sh <store> <path/to/runlens-ingest> [seconds, default 8]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
store="$1"
ingest="$2"
seconds="${3:-8}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$here/project" "$work/project"
export SQLMESH__DISABLE_ANONYMIZED_ANALYTICS=1 RUNLENS_STORE="$store" RUNLENS_INGEST="$ingest"
rm -rf "$store"
"$here/.venv/bin/python" -u -W ignore "$here/driver.py" "$work/project" "$here/changes" --live "$seconds" 2>"$work/stderr.log" \
  || { cat "$work/stderr.log"; exit 1; }
