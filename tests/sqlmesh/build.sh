#!/usr/bin/env bash
# Plans and runs tests/sqlmesh/project with real SQLMesh on DuckDB (driver.py
# says what each step does and checks it), the runlens recorder installed in
# its config.py, and keeps the events it wrote in <out>/events/ (one file per
# plan or run, named so that they sort in time order).
# With an ingest binary, the recorder folds the events into <store> while the
# runs happen (as a user's would); without one, it only writes the events.
# Usage: tests/sqlmesh/build.sh [out-dir] [path/to/runlens-ingest] [store]
#   defaults: tests/sqlmesh/fixtures (the committed fixtures), no ingest, a
#   throw-away store
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/fixtures}"
ingest="${2:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
store="${3:-$work/store}"
cp -r "$here/project" "$work/project"
export SQLMESH__DISABLE_ANONYMIZED_ANALYTICS=1 RUNLENS_STORE="$store"
if [ -n "$ingest" ]; then
  export RUNLENS_INGEST="$ingest"
else
  export RUNLENS_INGEST="$work/no-ingest"  # not PATH's: the fixtures are events only
fi
rm -rf "$store"
"$here/.venv/bin/python" "$here/driver.py" "$work/project" "$here/changes" > "$work/driver.log" 2>&1 \
  || { cat "$work/driver.log"; exit 1; }
grep -E "^(plan|run) at " "$work/driver.log"
if [ -n "$ingest" ] && grep -q "runlens: " "$work/driver.log"; then
  grep "runlens: " "$work/driver.log"; echo "the recorder reported a problem"; exit 1
fi
rm -rf "$out/events"
mkdir -p "$out/events"
cp "$store"/.runlens-events/*.jsonl "$out/events/"
ls "$out/events"
