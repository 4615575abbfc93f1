#!/usr/bin/env bash
# Builds tests/dbt/history three times with real dbt on DuckDB and keeps each
# build's artifacts in <out>/build{1,2,3}/ (manifest.json trimmed to the
# metadata, nodes and sources runlens reads; run_results.json) and the
# project's logs/dbt.log after the three builds in <out>/dbt.log (written with
# --log-format-file json, so one JSON event a line, all three invocations;
# trimmed to each event's `info` and its node's unique_id).
#   build 1: succeeds
#   build 2: stg_orders changed, rpt_country_revenue added
#   build 3: fct_orders fails at run time (downstream skipped), a test fails
# Usage: tests/dbt/history/build.sh [out-dir] [path/to/dbt]
#   defaults: tests/dbt/history/fixtures (the committed fixtures), tests/dbt/.venv/bin/dbt
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fixtures="${1:-$here/fixtures}"
dbt="${2:-$here/../.venv/bin/dbt}"
python="$(dirname "$dbt")/python"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -r "$here/project" "$work/history"
export DBT_SEND_ANONYMOUS_USAGE_STATS=false DBT_VERSION_CHECK=false
for n in 1 2 3; do
  if [ -d "$here/changes/build$n" ]; then cp -r "$here/changes/build$n/." "$work/history/"; fi
  (cd "$work/history" && "$dbt" --log-format-file json build --profiles-dir . > "$work/build$n.out" 2>&1) \
    && status=0 || status=$?
  if [ "$n" = 3 ]; then [ "$status" != 0 ] || { cat "$work/build$n.out"; echo "build 3 should fail"; exit 1; }
  else [ "$status" = 0 ] || { cat "$work/build$n.out"; echo "build $n should pass"; exit 1; }; fi
  out="$fixtures/build$n"
  mkdir -p "$out"
  "$python" - "$work/history/target/manifest.json" "$out/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
json.dump({k: m[k] for k in ("metadata", "nodes", "sources")}, open(sys.argv[2], "w"), indent=1, sort_keys=True)
PY
  cp "$work/history/target/run_results.json" "$out/run_results.json"
  grep -E "Done\. PASS=" "$work/build$n.out"
done
"$python" - "$work/history/logs/dbt.log" "$fixtures/dbt.log" <<'PY'
import json, sys
with open(sys.argv[2], "w") as out:
    for line in open(sys.argv[1]):
        e = json.loads(line)
        node = (e.get("data") or {}).get("node_info") or {}
        data = {"node_info": {"unique_id": node["unique_id"]}} if node.get("unique_id") else {}
        out.write(json.dumps({"data": data, "info": e["info"]}) + "\n")
PY
