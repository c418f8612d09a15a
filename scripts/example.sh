#!/usr/bin/env bash
# The README's first command: set up, build quire, and serve the example report with
# `quire dev` on http://127.0.0.1:3000: edit reports_example/pages/*.md and the open page
# reloads by itself (Ctrl-C stops it). PORT=8080 scripts/example.sh for another port.
# Built to be seen soon: the runtime and `quire` with the profiles that compile fastest (the
# tests' own, so scripts/test.sh reuses them), quire's dependencies side by side with the
# runtime. scripts/release.sh builds the fast, small quire that users install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/quire/target}"
# quire's own dependencies need nothing setup.sh installs: they build from the start, beside
# the set-up and the runtime (a build locks only its profile's folder), so both cores stay
# busy through each build's slow last crates.
deps_log=$(mktemp)
trap 'rm -f "$deps_log"' EXIT
QUIRE_NO_RUNTIME=1 cargo build -p quire > "$deps_log" 2>&1 &
deps=$!
source scripts/setup.sh
scripts/build-runtime.sh
say "building quire"
if ! wait "$deps"; then
  cat "$deps_log" >&2
  exit 1
fi
cargo build -p quire
quire="$CARGO_TARGET_DIR/debug/quire"
[[ -f reports_example/sources/orders/orders.parquet ]] || "$quire" demo-data --rows 100000
port="${PORT:-3000}"
printf '\033[1;32m==>\033[0m quire dev reports_example --port %s\n' "$port" >&2
rm -f "$deps_log"
exec "$quire" dev reports_example --port "$port"
