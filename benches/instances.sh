#!/usr/bin/env bash
# A templated page's instances sharing one rollup (issue 16), measured on the scale bench's
# project (benches/scale.sh makes it: the example over SIZE generated orders, its pipeline
# run). Alternating, RUNS times each, a release `quire build --no-run` of:
#   shared    the default: the 50 `states/[state]` pages read one rollup of staging.orders
#   scanning  the same binary with the bar for sharing (QUIRE_SAMPLE_ABOVE) set past the
#             data, so each instance scans the 100M orders as before
#   explorer  the explorer page alone (its queries and rollups over orders.orders), in a
#             copy of the project that shares its files: the build's longest page
# Prints the medians and the ratio of shared to scanning; writes benches/results/instances.md.
#   benches/instances.sh [RUNS]          SIZE=100M by default
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/quire/target}"
runs="${1:-3}"
size="${SIZE:-100M}"
project="$HOME/.cache/quire/bench-scale/$size"
if [[ ! -f "$project/.quire/manifest.json" ]]; then
  echo "no $project with its pipeline run: run SIZES=$size benches/scale.sh first" >&2
  exit 1
fi
QUIRE_SITE_DIST="${RUNTIME:-$PWD/site/dist}" cargo build --release -q -p quire
quire="$CARGO_TARGET_DIR/release/quire"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s%N; }

# The explorer alone: the same sources and pipeline tables (hard links), one other page.
alone="$project-explorer"
rm -rf "$alone"
mkdir -p "$alone/pages" "$alone/sources" "$alone/.quire/cache"
cp "$project/quire.toml" "$alone/"
cp -r "$project/pipeline" "$alone/"
cp "$project/pages/explorer.md" "$alone/pages/"
printf '# Explorer alone\n' > "$alone/pages/index.md"
for s in "$project"/sources/*; do cp -rl "$s" "$alone/sources/"; done
ln "$project"/.quire/cache/* "$alone/.quire/cache/"
cp "$project/.quire/manifest.json" "$alone/.quire/"

shared=() scanning=() explorer=()
for _ in $(seq "$runs"); do
  s=$(now); "$quire" build "$project" --no-run --quiet; e=$(now); shared+=($(( (e - s) / 1000000 )))
  s=$(now); QUIRE_SAMPLE_ABOVE=1000000000000000 "$quire" build "$project" --no-run --quiet; e=$(now)
  scanning+=($(( (e - s) / 1000000 )))
  s=$(now); "$quire" build "$alone" --no-run --quiet; e=$(now); explorer+=($(( (e - s) / 1000000 )))
done
m_shared=$(printf '%s\n' "${shared[@]}" | median)
m_scanning=$(printf '%s\n' "${scanning[@]}" | median)
m_explorer=$(printf '%s\n' "${explorer[@]}" | median)
shared_line=$("$quire" build "$project" --no-run --verbose 2>&1 | grep 'at every instance' || true)
rm -rf "$alone"

mkdir -p benches/results
{
  echo "# benches/instances.sh ($(date -u +%F), $size orders, $runs runs each, median ms)"
  echo
  echo "| build | median | runs |"
  echo "| --- | --- | --- |"
  echo "| shared (default) | $m_shared | ${shared[*]} |"
  echo "| scanning at each instance | $m_scanning | ${scanning[*]} |"
  echo "| the explorer page alone | $m_explorer | ${explorer[*]} |"
  echo
  awk -v a="$m_shared" -v b="$m_scanning" 'BEGIN { printf "shared / scanning: %.2f\n", a / b }'
  echo
  echo "${shared_line:-no query shared a rollup}" | sed 's/^ *//'
} | tee benches/results/instances.md
