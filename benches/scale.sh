#!/usr/bin/env bash
# Big data, small pages (issue 16): the example report over SIZES generated orders. For each
# size: writing the orders (`quire demo-data`), the pipeline (`quire run`), the build
# (`quire build --no-run`), each with its wall time and peak RSS; the site's size and what the
# explorer page ships; then the explorer opened in headless Chromium with a fresh profile:
# bytes its first visit transfers (data, page; the runtime apart), engine ready, INPUTS
# input changes (p50, p95) and the engine's wasm memory after them; and every other page's
# first visit (the largest is shown). Then the peer in the same run: DuckDB-WASM (1.28.0, the last with
# Parquet in its wasm; what Evidence and Observable Framework run) reading the same Parquet
# file over HTTP, answering the same input changes (PEER_INPUTS of them) with the explorer's
# queries: engine ready, each change's time, bytes fetched. Writes benches/results/scale.md.
#
# The figures inside a change, from explorer-scale.mjs: the time the bench's browser driver
# sees (its own round trips included), the time inside the page (the reader's change to the
# new slots swapped in), and the worker's part (its queries and re-render).
#
#   benches/scale.sh                       SIZES="1M 10M" INPUTS=20, a release quire
#   SIZES="100M" benches/scale.sh          the goal's size (writes 100M orders, ~3 GB)
#   PROFILE=dist benches/scale.sh          the quire users install (fat LTO: ~30 min to build)
#   RUNTIME=DIR benches/scale.sh           embed another runtime build (default: site/dist)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/quire/target}"
source scripts/setup.sh --test
say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
profile="${PROFILE:-release}"
sizes="${SIZES:-1M 10M}"
inputs="${INPUTS:-20}"
peer_inputs="${PEER_INPUTS:-4}"
work="$HOME/.cache/quire/bench-scale"
mkdir -p "$work"
# The drivers run beside the tests' Playwright (scripts/setup.sh --test installs it).
cp benches/browser/explorer-scale.mjs benches/browser/scale-peer.mjs "$work/"
ln -sfn "$repo/tests/e2e/node_modules" "$work/node_modules"

# The peer's page: DuckDB-WASM from npm, bundled with esbuild, in a folder of its own that
# serves the quire site's data/ beside it (linked per size below).
peer="$work/peer"
if [[ ! -f "$peer/node_modules/@duckdb/duckdb-wasm/dist/duckdb-eh.wasm" || ! -x "$peer/node_modules/.bin/esbuild" ]]; then
  say "installing DuckDB-WASM 1.28.0 for the peer (npm)"
  mkdir -p "$peer"
  (cd "$peer" && echo '{"private": true}' > package.json &&
    npm install --no-audit --no-fund --loglevel=error @duckdb/duckdb-wasm@1.28.0 apache-arrow@13.0.0 esbuild@0.28.2)
fi
mkdir -p "$peer/site"
cp benches/browser/scale-peer.js "$peer/"
# The peers' harness worker wrapper and memory hooks, for DuckDB's wasm memory.
peers="$(cd "${PEERS:-../shared/peers/duckdb-wasm}" && pwd)"
cp "$peers/duckdb-worker-wrapper.js" "$peers/bench-hooks.js" "$peer/site/"
"$peer/node_modules/.bin/esbuild" "$peer/scale-peer.js" --bundle --format=esm --log-level=warning \
  --outfile="$peer/site/peer.js"
printf '<!doctype html><meta charset="utf-8"><title>DuckDB-WASM</title><script type="module" src="peer.js"></script>\n' \
  > "$peer/site/index.html"
ln -sfn "$peer/node_modules/@duckdb/duckdb-wasm/dist" "$peer/site/duckdb"
duck_version=$(node -p 'require(process.argv[1]).version' "$peer/node_modules/@duckdb/duckdb-wasm/package.json")

say "quire with the $profile profile (runtime: ${RUNTIME:-site/dist})"
QUIRE_SITE_DIST="${RUNTIME:-$repo/site/dist}" cargo build --profile "$profile" -q -p quire
dir=$([[ "$profile" == dev ]] && echo debug || echo "$profile")
quire="$CARGO_TARGET_DIR/$dir/quire"
runtime_kind=$(ls -1 "${RUNTIME:-site/dist}"/*.wasm | head -1 | xargs stat -c %s)

rows_of() {
  case "$1" in
    *M) echo $(( ${1%M} * 1000000 )) ;;
    *k) echo $(( ${1%k} * 1000 )) ;;
    *) echo "$1" ;;
  esac
}
# wall seconds and peak RSS (MiB) of a command, into $wall and $rss.
measure() {
  local log
  log=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$log" "$@" > /dev/null 2> "$log.err" || { cat "$log.err" >&2; exit 1; }
  read -r wall rss < "$log"
  rss=$(( rss / 1024 ))
  rm -f "$log" "$log.err"
}

results="$work/results.md"
{
  echo "| orders | demo-data | \`quire run\` | \`quire build\` | build RSS | \`dist/\` data | explorer: data on first visit | page | engine ready (inputs answer), checked against the build | input change p50 / p95: driver, in the page, the worker | another day: p50, data | wasm memory | other pages: largest first visit |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
} > "$results"
peer_results="$work/peer-results.md"
{
  echo "| orders | DuckDB-WASM $duck_version: engine ready | data fetched by then | input change p50 / max (of $peer_inputs) | data fetched by the changes | wasm memory | quire: engine ready | quire: the same changes, in the page (p50 / max) | quire: wasm memory |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
} > "$peer_results"
live_notes="$work/live.txt"
: > "$live_notes"
for size in $sizes; do
  rows=$(rows_of "$size")
  project="$work/$size"
  say "$size orders ($rows rows) in $project"
  mkdir -p "$project"
  rm -rf "$project/pages" "$project/pipeline"
  (cd reports_example && tar --exclude=sources/orders/orders.parquet -cf - pages pipeline quire.toml sources) |
    (cd "$project" && tar -xf -)
  orders="$project/sources/orders/orders.parquet"
  if [[ "$(cat "$project/.rows" 2>/dev/null)" != "$rows" || ! -f "$orders" ]]; then
    measure "$quire" demo-data --rows "$rows" --out "$orders"
    demo="${wall} s, ${rss} MiB"
    echo "$rows" > "$project/.rows"
    echo "$demo" > "$project/.demo"
  else
    demo="$(cat "$project/.demo") (kept)"
  fi
  rm -rf "$project/.quire"
  measure "$quire" run "$project" --quiet
  run="${wall} s, ${rss} MiB"
  rm -rf "$project/dist"
  measure "$quire" build "$project" --no-run --quiet
  build_wall=$wall
  build_rss=$rss
  "$quire" build "$project" --no-run --verbose 2>&1 | grep -E ' (Live|Shipped) ' | sed "s/^ */$size: /" >> "$live_notes"
  data_bytes=$(du -sb "$project/dist/data" | cut -f1)
  node benches/browser/serve.mjs "$project/dist" > "$work/server.log" 2>&1 &
  server=$!
  port=""
  for _ in $(seq 50); do port=$(grep -o 'port [0-9]*' "$work/server.log" | awk '{print $2}' || true); [[ -n "$port" ]] && break; sleep 0.1; done
  (cd "$project/dist" && find . -name index.html ! -path './explorer/*' | sed 's|^\./||; s|index\.html$||; s|^$|./|' | sort) > "$work/pages.txt"
  PAGES="$work/pages.txt" node "$work/explorer-scale.mjs" "http://127.0.0.1:$port/explorer/" "$inputs" > "$work/explorer-$size.json"
  kill "$server" 2>/dev/null || true
  read -r ready checked p50 p95 data page state day day_data w50 w95 pg50 pg95 wasm visits visit_max < <(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    if (r.errors.length) { console.error(r.errors.join("\n")); process.exit(1); }
    console.log(r.ready_ms, r.checked_ms, r.input_p50_ms, r.input_p95_ms, r.first_visit.data, r.first_visit.page, r.runtime,
      r.day_p50_ms ?? "-", r.day_p50_bytes ?? 0, r.worker_p50_ms, r.worker_p95_ms, r.page_p50_ms, r.page_p95_ms,
      r.wasm_bytes, r.pages, r.page_visit_max ? r.page_visit_max[1] : 0);
  ' "$work/explorer-$size.json")
  mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1e6 }'; }
  echo "| $size | $demo | $run | ${build_wall} s | ${build_rss} MiB | $(mb "$data_bytes") | $(mb "$data") | $(mb "$page") | ${ready} ms, checked at ${checked} ms ($state) | ${p50} / ${p95} ms, ${pg50} / ${pg95}, ${w50} / ${w95} | ${day} ms, $(mb "$day_data") | $(mb "$wasm") | $(mb "$visit_max") (of $visits) |" >> "$results"

  # The peer on the same file and the same changes.
  orders_file=$(cd "$project/dist" && ls data/orders.orders.*.parquet | head -1)
  ln -sfn "$project/dist/data" "$peer/site/data"
  node benches/browser/serve.mjs "$peer/site" > "$work/server.log" 2>&1 &
  server=$!
  port=""
  for _ in $(seq 50); do port=$(grep -o 'port [0-9]*' "$work/server.log" | awk '{print $2}' || true); [[ -n "$port" ]] && break; sleep 0.1; done
  say "$size: DuckDB-WASM on $orders_file, $peer_inputs changes"
  node "$work/scale-peer.mjs" "http://127.0.0.1:$port/" "$orders_file" "$work/explorer-$size.json" "$peer_inputs" > "$work/peer-$size.json"
  kill "$server" 2>/dev/null || true
  node -e '
    const fs = require("fs");
    const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
    const q = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
    if (r.errors.length) { console.error(r.errors.join("\n")); process.exit(1); }
    const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;
    const mine = q.page_ms.slice(0, r.input_ms.length);
    const s = [...mine].sort((a, b) => a - b);
    console.log(`| ${process.argv[3]} | ${r.ready_ms} ms | ${mb(r.first_visit.data)} | ${r.input_p50_ms} / ${r.input_max_ms} ms | ${mb(r.data_bytes - r.first_visit.data)} | ${mb(r.wasm_bytes)} | ${q.ready_ms} ms | ${s[Math.floor((s.length - 1) / 2)]} / ${s[s.length - 1]} ms | ${mb(q.wasm_bytes)} |`);
  ' "$work/peer-$size.json" "$work/explorer-$size.json" "$size" >> "$peer_results"
done

mkdir -p benches/results
{
  echo "## The example at scale, $(date -u +%Y-%m-%d)"
  echo
  echo "Command: \`benches/scale.sh\` (SIZES=\"$sizes\", INPUTS=$inputs), quire built with the \`$profile\` profile,"
  echo "its runtime's wasm $runtime_kind bytes (not counted in a visit's data: every page shares it), on"
  echo "$(nproc) cores. One run per size; the input changes alternate a category and a channel."
  echo
  cat "$results"
  echo
  echo "The peer in the same run, on the same Parquet file, answering the first $peer_inputs of the same changes"
  echo "(times inside each page; DuckDB-WASM reads the file with HTTP Range requests, as Evidence and"
  echo "Observable Framework do):"
  echo
  cat "$peer_results"
  echo
  echo "What the build did with each live query and table (\`quire build --verbose\`):"
  echo
  sed 's/^/    /' "$live_notes"
} | tee benches/results/scale.md
