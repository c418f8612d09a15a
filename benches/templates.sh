#!/usr/bin/env bash
# Times `quire build` of a templated page reached by 2,000 table links
# (tests/fixtures/templates: one index with a 2,000-row DataTable, one [id].md), with a
# release quire: median of repeated runs, and what the output holds.
# Usage: benches/templates.sh [RUNS]   (needs scripts/setup.sh done)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/quire/target}"
runs="${1:-5}"
cargo build --release -q -p quire
quire="$CARGO_TARGET_DIR/release/quire"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r tests/fixtures/templates "$work/project"
"$quire" build "$work/project" --quiet   # warm the page cache
times=()
for _ in $(seq "$runs"); do
  s=$(date +%s%N)
  "$quire" build "$work/project" --quiet
  e=$(date +%s%N)
  times+=($(( (e - s) / 1000000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
median=${sorted[$(( runs / 2 ))]}
dist="$work/project/dist"
pages=$(find "$dist" -name index.html | wc -l)
csv=$(find "$dist/data" -name '*.csv' | wc -l)
shared=$(find "$dist/data" -name 'region_total.*.csv' | wc -l)
peak=$( { /usr/bin/time -f '%M' "$quire" build "$work/project" --quiet; } 2>&1 | tail -1 )
echo "quire build, templated page x 2,000 instances: median ${median} ms over $runs runs (min ${sorted[0]}, max ${sorted[$((runs-1))]}), peak RSS $((peak / 1024)) MiB"
echo "output: $pages pages, $(du -sh "$dist" --exclude=_quire | cut -f1) without the runtime; $csv CSV files, the shared query's in $shared"
