#!/usr/bin/env bash
# A templated page's instances sharing one rollup (issue 16), measured on the scale bench's
# project (benches/scale.sh makes it: the example over SIZE generated orders, its pipeline
# run). Alternating, RUNS times each, a release `quire build --no-run` of:
#   shared    the default: the 50 `states/[state]` pages read one rollup of staging.orders
#   scanning  the same binary with the bar for sharing (QUIRE_SAMPLE_ABOVE) set past the
#             data, so each instance scans the 100M orders as before
#   explorer  the explorer page alone (its queries and rollups over orders.orders), in a
#             copy of the project that shares its files: the build's longest page
#   one       the whole project with `[build] threads = 1` (a copy sharing its files): pages
#             and their queries one at a time, against the default (the machine's cores,
#             a page's independent queries side by side)
#   base      with BASE=/path/to/quire, that binary's default build of the project (an
#             earlier commit's release build), in the same run
# Prints the medians and the ratios; writes benches/results/instances.md.
#   benches/instances.sh [RUNS]          SIZE=100M by default; BASE=... optional
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
# The whole project on one thread: the same files, `[build] threads = 1`.
one="$project-one-thread"
rm -rf "$one"
mkdir -p "$one/sources" "$one/.quire/cache"
cp -r "$project/pages" "$project/pipeline" "$one/"
printf '%s\n\n[build]\nthreads = 1\n' "$(cat "$project/quire.toml")" > "$one/quire.toml"
for s in "$project"/sources/*; do cp -rl "$s" "$one/sources/"; done
ln "$project"/.quire/cache/* "$one/.quire/cache/"
cp "$project/.quire/manifest.json" "$one/.quire/"

shared=() scanning=() explorer=() single=() base=()
for _ in $(seq "$runs"); do
  s=$(now); "$quire" build "$project" --no-run --quiet; e=$(now); shared+=($(( (e - s) / 1000000 )))
  s=$(now); QUIRE_SAMPLE_ABOVE=1000000000000000 "$quire" build "$project" --no-run --quiet; e=$(now)
  scanning+=($(( (e - s) / 1000000 )))
  s=$(now); "$quire" build "$alone" --no-run --quiet; e=$(now); explorer+=($(( (e - s) / 1000000 )))
  s=$(now); "$quire" build "$one" --no-run --quiet; e=$(now); single+=($(( (e - s) / 1000000 )))
  if [[ -n "${BASE:-}" ]]; then
    s=$(now); "$BASE" build "$project" --no-run --quiet; e=$(now); base+=($(( (e - s) / 1000000 )))
  fi
done
m_shared=$(printf '%s\n' "${shared[@]}" | median)
m_scanning=$(printf '%s\n' "${scanning[@]}" | median)
m_explorer=$(printf '%s\n' "${explorer[@]}" | median)
m_single=$(printf '%s\n' "${single[@]}" | median)
shared_line=$("$quire" build "$project" --no-run --verbose 2>&1 | grep 'at every instance' || true)
rm -rf "$alone" "$one"

mkdir -p benches/results
{
  echo "# benches/instances.sh ($(date -u +%F), $size orders, $runs runs each, median ms)"
  echo
  echo "| build | median | runs |"
  echo "| --- | --- | --- |"
  echo "| shared (default) | $m_shared | ${shared[*]} |"
  echo "| scanning at each instance | $m_scanning | ${scanning[*]} |"
  echo "| the explorer page alone | $m_explorer | ${explorer[*]} |"
  echo "| one thread (\`[build] threads = 1\`) | $m_single | ${single[*]} |"
  if [[ -n "${BASE:-}" ]]; then
    m_base=$(printf '%s\n' "${base[@]}" | median)
    echo "| \`$BASE\` (default) | $m_base | ${base[*]} |"
  fi
  echo
  awk -v a="$m_shared" -v b="$m_scanning" 'BEGIN { printf "shared / scanning: %.2f\n", a / b }'
  awk -v a="$m_shared" -v b="$m_single" -v c="$(nproc)" 'BEGIN { printf "default (%d cores) / one thread: %.2f\n", c, a / b }'
  if [[ -n "${BASE:-}" ]]; then
    awk -v a="$m_shared" -v b="$m_base" 'BEGIN { printf "default / BASE: %.2f\n", a / b }'
  fi
  echo
  echo "${shared_line:-no query shared a rollup}" | sed 's/^ *//'
} | tee benches/results/instances.md
