#!/usr/bin/env bash
# Times `quire build reports_example` with a release quire: median of repeated runs, and
# the output's size. Usage: benches/build.sh [RUNS]   (needs scripts/setup.sh done)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/quire/target}"
runs="${1:-15}"
cargo build --release -q -p quire
quire="$CARGO_TARGET_DIR/release/quire"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$quire" build reports_example --out "$out/dist" --quiet   # warm the page cache
times=()
for _ in $(seq "$runs"); do
  s=$(date +%s%N)
  "$quire" build reports_example --out "$out/dist" --quiet
  e=$(date +%s%N)
  times+=($(( (e - s) / 1000000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
median=${sorted[$(( runs / 2 ))]}
peak=$( { /usr/bin/time -f '%M' "$quire" build reports_example --out "$out/dist" --quiet; } 2>&1 | tail -1 )
echo "quire build reports_example (100,000 orders, 3 pages): median ${median} ms over $runs runs (min ${sorted[0]}, max ${sorted[$((runs-1))]}), peak RSS $((peak / 1024)) MiB"
echo "output: $(du -sh "$out/dist" | cut -f1) in $(find "$out/dist" -type f | wc -l) files; largest: $(find "$out/dist" -type f -printf '%s %P\n' | sort -n | tail -1)"
