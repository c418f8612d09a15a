#!/usr/bin/env bash
# In-browser benchmark: quire's runtime (size-tuned, DataFusion in wasm, in a Web Worker)
# against DuckDB-WASM, alternately in headless Chromium, on the same Parquet at 100k and 1M
# rows, with the peers' harness (../shared/peers/duckdb-wasm; DuckDB in its offline
# `pqwasm` mode). Prints q1..q5, engine-ready and first-chart medians with the ratio, and
# writes them to benches/results/browser.md.
#
#   benches/browser.sh                  REPEATS=3 RUNS=5 SIZES="100k 1m"
#   REPEATS=1 SIZES=100k benches/browser.sh     quick
#   PEERS=/path/to/duckdb-wasm benches/browser.sh
#   RUNTIME=DIR benches/browser.sh      another runtime build (scripts/build-runtime.sh's output)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
source scripts/setup.sh --test
peers="$(cd "${PEERS:-../shared/peers/duckdb-wasm}" && pwd)"
work="$HOME/.cache/quire/bench-browser"
runtime="${RUNTIME:-$HOME/.cache/quire/runtime-release}"
say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }

# The size-tuned runtime; rebuilt only when a source changed since (wasm-opt takes minutes).
if [[ -n "${RUNTIME:-}" ]]; then
  say "the runtime in $runtime, as built"
elif [[ -f "$runtime/quire-site_bg.wasm" && -z "$(find crates site/src site/js site/Cargo.toml Cargo.toml Cargo.lock \
      -newer "$runtime/quire-site_bg.wasm" -type f | head -1)" ]]; then
  say "the release runtime in $runtime is up to date"
else
  QUIRE_WASM_PROFILE=wasm-release QUIRE_SITE_OUT="$runtime" scripts/build-runtime.sh
fi

say "preparing the harness in $work"
mkdir -p "$work/quire"
(cd "$peers" && tar --exclude=./results --exclude=./data -cf - .) | (cd "$work" && tar -xf -)
cp "$runtime/quire-site.js" "$runtime/quire-site_bg.wasm" benches/browser/bench-page.js benches/browser/bench-worker.js "$work/quire/"
cp benches/browser/quire.html benches/browser/first-chart.mjs "$work/"

cd "$work"
CONFIGS="duckdb-wasm|duckdb.html|pqwasm quire|quire.html|default" \
EXTRA_SIZE_FILES="quire/quire-site_bg.wasm quire/quire-site.js" \
  ./run.sh

say "first chart on a quire page (the example's explorer, release quire)"
cd "$repo"
QUIRE_SITE_DIST="$runtime" cargo build --release -p quire
[[ -f reports_example/sources/orders/orders.parquet ]] || "$CARGO_TARGET_DIR/release/quire" demo-data --rows 100000
site="$(mktemp -d)"
"$CARGO_TARGET_DIR/release/quire" build reports_example --out "$site" --quiet
python3 -m http.server 0 --bind 127.0.0.1 --directory "$site" > "$site.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$site" "$site.log"' EXIT
port=""
for _ in $(seq 50); do port=$(grep -o 'port [0-9]*' "$site.log" | awk '{print $2}' || true); [[ -n "$port" ]] && break; sleep 0.1; done
node "$work/first-chart.mjs" "http://127.0.0.1:$port/explorer/" "${FIRST_CHART_RUNS:-7}" > "$work/results/first-chart.json"

mkdir -p benches/results
{
  echo "## quire vs DuckDB-WASM in the browser, $(date -u +%Y-%m-%d)"
  echo
  echo "Command: \`benches/browser.sh\` (REPEATS=${REPEATS:-3}, RUNS=${RUNS:-5}). DuckDB-WASM runs in the harness's"
  echo "offline \`pqwasm\` mode (Parquet decoded by parquet-wasm, inserted into a DuckDB table);"
  echo "quire decodes the same file into DataFusion's memory in its worker."
  node benches/browser/ratio.mjs "$work/results" "$work/results/first-chart.json"
  echo
  sed -n '/^### (a)/,$p' "$work/results/summary.md"
} | tee benches/results/browser.md
