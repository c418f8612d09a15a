#!/usr/bin/env bash
# The README's first command: set up, build quire, and serve the example report with
# `quire dev` on http://127.0.0.1:3000: edit reports_example/pages/*.md and the open page
# reloads by itself (Ctrl-C stops it). PORT=8080 scripts/example.sh for another port.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
QUIRE_WASM_PROFILE="${QUIRE_WASM_PROFILE:-wasm-release}" scripts/build-runtime.sh
printf '\033[1;34m==>\033[0m building quire (release)\n' >&2
cargo build --release -p quire
quire="$CARGO_TARGET_DIR/release/quire"
[[ -f reports_example/sources/orders/orders.parquet ]] || "$quire" demo-data --rows 100000
port="${PORT:-3000}"
printf '\033[1;32m==>\033[0m quire dev reports_example --port %s\n' "$port" >&2
exec "$quire" dev reports_example --port "$port"
