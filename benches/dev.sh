#!/usr/bin/env bash
# The author's loop: time from saving reports_example/pages/index.md to the new content in
# Chromium's DOM, through `quire dev` (release build), for prose edits and query edits.
# Usage: benches/dev.sh [RUNS]   (needs scripts/setup.sh --test done). Writes
# benches/results/dev.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/quire/target}"
runs="${1:-20}"
cargo build --release -q -p quire
quire="$CARGO_TARGET_DIR/release/quire"
work=$(mktemp -d)
log="$work/dev.log"
cleanup() { [[ -n "${pid:-}" ]] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
cp -r reports_example "$work/project"
rm -rf "$work/project/dist"
NO_COLOR=1 "$quire" dev "$work/project" --port 0 2>"$log" &
pid=$!
for _ in $(seq 600); do
  base=$(grep -o 'http://[^ ]*' "$log" | head -1 || true)
  [[ -n "$base" ]] && break
  sleep 0.1
done
[[ -n "$base" ]] || { cat "$log"; echo "quire dev did not start" >&2; exit 1; }
# The driver imports playwright-core from tests/e2e's node_modules.
cp benches/dev/latency.mjs "$work/"
ln -s "$PWD/tests/e2e/node_modules" "$work/node_modules"
json=$(node "$work/latency.mjs" --base "$base" --project "$work/project" --runs "$runs")
echo "$json"
rebuilds=$(grep -E 'Rebuilt' "$log" | tail -4 || true)
{
  echo "# quire dev: save to DOM ($(date -u +%Y-%m-%d), $(nproc) cores, release quire)"
  echo
  echo "Command: \`benches/dev.sh $runs\`. Each figure: milliseconds from the save (a write to a"
  echo "temporary file renamed over \`pages/index.md\`) to the new text in headless Chromium's DOM,"
  echo "as a MutationObserver installed before the page loads first sees it (same wall clock)."
  echo
  echo "| edit | median | min | max | runs |"
  echo "| --- | --- | --- | --- | --- |"
  for kind in prose query; do
    node -e "const r=JSON.parse(process.argv[1])['$kind'];console.log('| $kind | '+r.median+' | '+r.min+' | '+r.max+' | '+r.runs+' |')" "$json"
  done
  echo
  echo "The server's last lines:"
  echo
  echo '```'
  echo "$rebuilds"
  echo '```'
} > benches/results/dev.md
cat benches/results/dev.md
