#!/usr/bin/env bash
# Installs what runlens needs and is missing; skips what is there.
# Sourced by serve.sh and test.sh (it exports PATH and Trunk's tool settings).
# Handles these traps of the machines it runs on:
#  - Trunk 0.22 needs a newer rustc: install trunk ~0.21 (--locked), only when missing.
#  - wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock; install it
#    without --locked (with it, a locked dependency is missing from the registry).
#  - Debian's wasm-opt (binaryen 108) corrupts rustc 1.95 output: use binaryen 132
#    from npm (tests/browser/node_modules/.bin) and tell Trunk its version.
#  - Browser tests use Debian's chromium driven by playwright-core (no browser download).
#  - Trunk 0.21 cannot split a wasm: its post-build hook runs wasm-split-cli
#    (crate wasm_split_cli_support, as cargo-leptos does) and terser from npm.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

export PATH="$ROOT/tests/browser/node_modules/.bin:$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -q '^trunk 0\.21\.'; then
  say "installing trunk 0.21 (compiles for about 10 minutes, once)"
  cargo install trunk --version "~0.21" --locked
fi

WBG_VERSION="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"$/\1/p')"
if [ -z "$WBG_VERSION" ]; then echo "cannot read the wasm-bindgen version from Cargo.lock" >&2; exit 1; fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WBG_VERSION\$"; then
  say "installing wasm-bindgen-cli $WBG_VERSION (matches Cargo.lock)"
  cargo install wasm-bindgen-cli --version "=$WBG_VERSION"
fi

# The wasm splitter of Trunk's post-build hook (scripts/split-wasm.mjs).
if ! cargo install --list 2>/dev/null | grep -q '^wasm_split_cli_support v0\.2\.4:'; then
  say "installing wasm-split-cli 0.2.4 (splits the app's wasm into parts; compiles for about 2 minutes, once)"
  cargo install wasm_split_cli_support --version "=0.2.4" --features build-binary --locked
fi

# Every devDependency of tests/browser/package.json present in node_modules?
if ! (cd "$ROOT/tests/browser" && node -e '
    const fs = require("fs");
    const deps = Object.keys(require("./package.json").devDependencies);
    process.exit(deps.every((d) => fs.existsSync(`node_modules/${d}/package.json`)) ? 0 : 1);'); then
  say "installing binaryen 132, terser, playwright-core and ajv from npm (tests/browser)"
  (cd "$ROOT/tests/browser" && npm ci --no-audit --no-fund)
fi

if [ "${RUNLENS_NEED_BROWSER:-0}" = 1 ] && [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's chromium"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get install -y chromium chromium-driver || { $SUDO apt-get update && $SUDO apt-get install -y chromium chromium-driver; }
fi

# The real-dbt test: dbt-core and dbt-duckdb 1.10.x in a local virtual
# environment (1.11+ needs a download from outside this machine's registries).
if [ "${RUNLENS_NEED_DBT:-0}" = 1 ] && ! "$ROOT/tests/dbt/.venv/bin/dbt" --version 2>/dev/null | grep -q "installed: 1\.10\."; then
  say "installing dbt-core and dbt-duckdb 1.10 into tests/dbt/.venv"
  python3 -m venv "$ROOT/tests/dbt/.venv"
  "$ROOT/tests/dbt/.venv/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/tests/dbt/requirements.txt"
fi

# The real-SQLMesh test: SQLMesh 0.236.4 (pinned; DuckDB comes with it) and the
# runlens recorder (integrations/sqlmesh, editable) in a local virtual environment.
if [ "${RUNLENS_NEED_SQLMESH:-0}" = 1 ] && ! "$ROOT/tests/sqlmesh/.venv/bin/python" -c '
import importlib.metadata, runlens_sqlmesh
assert importlib.metadata.version("sqlmesh") == "0.236.4"' 2>/dev/null; then
  say "installing SQLMesh 0.236.4 and runlens-sqlmesh into tests/sqlmesh/.venv"
  python3 -m venv "$ROOT/tests/sqlmesh/.venv"
  "$ROOT/tests/sqlmesh/.venv/bin/pip" install --quiet --disable-pip-version-check "sqlmesh==0.236.4" -e "$ROOT/integrations/sqlmesh"
fi
export SQLMESH__DISABLE_ANONYMIZED_ANALYTICS=1

export TRUNK_TOOLS_WASM_OPT=version_132
export TRUNK_TOOLS_WASM_BINDGEN="$WBG_VERSION"
export RUNLENS_ROOT="$ROOT"
