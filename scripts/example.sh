#!/usr/bin/env bash
# The README's first command: set up, build quire, and serve the example report with
# `quire dev` on http://127.0.0.1:3000: edit reports_example/pages/*.md and the open page
# reloads by itself (Ctrl-C stops it). PORT=8080 scripts/example.sh for another port.
# Built to be seen soon: the runtime and `quire` with the profiles that compile fastest (the
# tests' own, so scripts/test.sh reuses them), and three builds side by side (quire's
# dependencies, wasm-bindgen-cli and the runtime), so both cores stay busy through each
# one's slow single-threaded crates; the runtime goes first (the other two at a lower
# priority fill the time it leaves a core idle; quire's dependencies finish last). Its runtime
# is unoptimised (the `wasm-test` profile: queries 2 to 3x slower, built in half the time);
# scripts/release.sh builds the quire that users install.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/quire/target}"
# quire's own dependencies need nothing setup.sh installs: they build from the first second
# (a build locks only its profile's folder, so the runtime's build does not wait for it).
deps_log=$(mktemp)
wbg_log=$(mktemp)
trap 'rm -f "$deps_log" "$wbg_log"' EXIT
QUIRE_NO_RUNTIME=1 nice -n 10 cargo build -p quire > "$deps_log" 2>&1 &
deps=$!
source scripts/setup.sh --no-wasm-bindgen
# wasm-bindgen is needed only once the runtime is compiled: installed beside it.
(renice -n 10 "$BASHPID" >/dev/null; install_wasm_bindgen) > "$wbg_log" 2>&1 &
wbg=$!
scripts/build-runtime.sh --compile-only
if ! wait "$wbg"; then
  cat "$wbg_log" >&2
  exit 1
fi
scripts/build-runtime.sh   # cargo finds nothing to do; wasm-bindgen writes site/dist
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
rm -f "$deps_log" "$wbg_log"
exec "$quire" dev reports_example --port "$port"
