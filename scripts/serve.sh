#!/usr/bin/env bash
# Sets up what is missing, then serves runlens on its built-in demo data at
# http://127.0.0.1:8080 (pass other trunk flags after the script, e.g. --port 9000).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$RUNLENS_ROOT"
cargo run --quiet --release --bin runlens-gen -- --check >/dev/null 2>&1 \
  || cargo run --quiet --release --bin runlens-gen -- --out public/api
exec trunk serve --release "$@"
