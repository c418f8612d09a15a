#!/usr/bin/env bash
# What a page's JavaScript costs at build: `quire build` of the templated page of
# tests/fixtures/templates (2,000 instances) as it is, and again with a `<script>` (data,
# a helper, `$:` statements) and JavaScript expressions added to it, so every instance
# runs its own program in a fresh Boa context. Medians of repeated runs with a release
# quire; the difference per instance is the engine's cost per page.
# Usage: benches/scripts.sh [RUNS]   (needs scripts/setup.sh done)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/quire/target}"
runs="${1:-5}"
cargo build --release -q -p quire
quire="$CARGO_TARGET_DIR/release/quire"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r tests/fixtures/templates "$work/plain"
cp -r tests/fixtures/templates "$work/scripted"
page="$work/scripted/pages/customers/[id].md"
cat >> "$page" <<'MD'

<script>
  let tiers = [{ tier: 'Gold', min: 5000 }, { tier: 'Silver', min: 1000 }, { tier: 'Bronze', min: 0 }];
  const tierOf = (sales) => tiers.find((t) => sales >= t.min).tier;
  $: mine = customer[0];
  $: share = mine.sales / region_total.filter((r) => r.region === mine.region)[0].sales;
</script>

{mine.name} is a {tierOf(mine.sales)} customer with {(share * 100).toFixed(1)}% of the region's sales;
regions: {region_total.map((r) => r.region).join(', ')}.
MD

median() {
  local dir=$1 times=()
  "$quire" build "$dir" --quiet   # warm the page cache
  for _ in $(seq "$runs"); do
    s=$(date +%s%N)
    "$quire" build "$dir" --quiet
    e=$(date +%s%N)
    times+=($(( (e - s) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( runs / 2 + 1 ))p"
}
plain=$(median "$work/plain")
scripted=$(median "$work/scripted")
pages=$(find "$work/scripted/dist/customers" -name index.html | wc -l)
grep -q ">Gold<\|>Silver<\|>Bronze<" "$work/scripted/dist/customers/c0001/index.html"
per=$(awk -v a="$scripted" -v b="$plain" -v n="$pages" 'BEGIN { printf "%.2f", (a - b) / n }')
size=$(stat -c %s "$quire")
# Boa's share of the binary: the sizes of its symbols (boa_engine, boa_parser, boa_gc, ...).
boa=$(nm -S --size-sort "$quire" 2>/dev/null | python3 -c '
import sys
print(sum(int(f[1], 16) for f in (l.split() for l in sys.stdin) if len(f) >= 4 and "boa_" in f[3]))')
echo "quire build, templated page x $pages instances: ${plain} ms without a script, ${scripted} ms with one (medians of $runs runs)"
echo "the page's JavaScript costs ${per} ms per page (a fresh Boa context, the prelude, the program, 4 expressions)"
echo "release quire: $size bytes ($(( size / 1048576 )) MiB, the runtime in site/dist embedded); Boa's symbols: $boa bytes ($(( boa / 1048576 )) MiB)"
