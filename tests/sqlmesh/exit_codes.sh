#!/usr/bin/env bash
# The recorder's own failures never change what `sqlmesh run` does. For a run
# that fails (tests/sqlmesh/project planned at 2026-11-06, run now: a model
# fails, a blocking audit fails) and one that succeeds (the same with
# --select-model sqlmesh_example.slow_model: only a non-blocking audit
# fails), the CLI exits with the same code as without the recorder when
#   - the store cannot be written (its folder would be inside a file),
#   - the ingest fails (RUNLENS_INGEST=/bin/false),
#   - the ingest hangs (a script that sleeps 20 s): the run ends anyway, a
#     few seconds later at most.
# The project here is configured the "config.yaml" way (settings.yaml loaded
# by config.py with load_config_from_paths); build.sh uses a config.py one.
# Usage: tests/sqlmesh/exit_codes.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sqlmesh="$here/.venv/bin/sqlmesh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export SQLMESH__DISABLE_ANONYMIZED_ANALYTICS=1

printf '#!/bin/sh\nsleep 20\n' > "$work/hang"; chmod +x "$work/hang"
touch "$work/a-file"

base="$work/base"
cp -r "$here/project" "$base"
cat > "$base/settings.yaml" <<'YAML'
gateways:
  duckdb:
    connection:
      type: duckdb
      database: shop.duckdb
default_gateway: duckdb
model_defaults:
  dialect: duckdb
  start: 2026-11-01
  cron: '@daily'
YAML
cat > "$base/config.py" <<'PY'
import os
from pathlib import Path

from sqlmesh.core.config import Config
from sqlmesh.core.config.loader import load_config_from_paths

from runlens_sqlmesh import record

config = load_config_from_paths(Config, [Path(__file__).with_name("settings.yaml")])
config = record(config, store=os.environ.get("RUNLENS_STORE", "runlens-store"))
PY
(cd "$base" && RUNLENS_STORE="$work/plan-store" RUNLENS_INGEST=/bin/true \
  "$sqlmesh" plan --auto-apply --no-prompts --skip-tests --execution-time 2026-11-06 > "$work/plan.log" 2>&1) \
  || { cat "$work/plan.log"; exit 1; }

# `sqlmesh run` in a fresh copy of the planned project, the recorder set up
# as $2, the run's arguments after; prints "<exit code> <seconds>".
run() {
  local name="$1" how="$2" dir="$work/$1-$2"
  shift 2
  cp -r "$base" "$dir"
  local store="$dir/store" ingest=/bin/true
  case "$how" in
    off) sed -i '/^config = record(/d' "$dir/config.py" ;;
    unwritable) store="$work/a-file/store" ;;
    failing) ingest=/bin/false ;;
    hanging) ingest="$work/hang" ;;
  esac
  local t0 t1 code=0
  t0=$(date +%s.%N)
  (cd "$dir" && RUNLENS_STORE="$store" RUNLENS_INGEST="$ingest" "$sqlmesh" run --skip-janitor "$@" > "$dir.log" 2>&1) || code=$?
  t1=$(date +%s.%N)
  echo "$code $(echo "$t1 - $t0" | bc)"
}

fail=0
check() {
  local name="$1" expect="$2"
  shift 2
  read -r want want_s < <(run "$name" off "$@")
  echo "$name run, no recorder: exit $want (${want_s}s)"
  if { [ "$expect" = fails ] && [ "$want" = 0 ]; } || { [ "$expect" = passes ] && [ "$want" != 0 ]; }; then
    echo "  unexpected: the run should have been one that $expect"; cat "$work/$name-off.log"; exit 1
  fi
  for how in $HOWS; do
    read -r got got_s < <(run "$name" "$how" "$@")
    verdict=ok
    [ "$got" = "$want" ] || verdict="WRONG EXIT CODE"
    if [ "$(echo "$got_s > $want_s + 8" | bc)" = 1 ]; then verdict="TOO SLOW"; fi
    echo "  recorder $how: exit $got (${got_s}s) $verdict"
    grep "^runlens: " "$work/$name-$how.log" | cut -c1-200 | sed 's/^/    /' || true
    [ "$verdict" = ok ] || { cat "$work/$name-$how.log"; fail=1; }
  done
}
HOWS="unwritable failing hanging" check failing fails
HOWS="unwritable failing" check passing passes --select-model sqlmesh_example.slow_model
exit $fail
