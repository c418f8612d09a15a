#!/usr/bin/env bash
# What maps cost: `quire build` of a page with a world map (countries coloured by a value)
# and a US map (states by a value), both from the shapes quire ships, against the same
# page without the maps; the page's HTML bytes (the SVG drawn at build) and the shapes a
# live map's page downloads. Medians of repeated runs with a release quire.
# Usage: benches/maps.sh [RUNS]   (needs scripts/setup.sh done)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/quire/target-release}"
runs="${1:-5}"
cargo build --release -q -p quire
quire="$CARGO_TARGET_DIR/release/quire"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for project in plain maps; do
  mkdir -p "$work/$project/sources/geo" "$work/$project/pages"
  echo 'title = "Maps bench"' > "$work/$project/quire.toml"
  printf 'name: geo\ntype: csv\n' > "$work/$project/sources/geo/connection.yaml"
  cp www/sources/demo/countries.csv tests/fixtures/maps/sources/la/state_population.csv "$work/$project/sources/geo/"
  cat > "$work/$project/pages/index.md" <<'MD'
```sql countries
select * from geo.countries
```

```sql states
select * from geo.state_population
```

<DataTable data={countries} />
MD
done
cat >> "$work/maps/pages/index.md" <<'MD'

<AreaMap data={countries} geoJsonUrl=world-countries geoId=iso_a3 areaCol=iso_a3 value=customers />

<USMap data={states} state=state_name value=population />
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
maps=$(median "$work/maps")
grep -q 'data-component="USMap"' "$work/maps/dist/index.html"
html_plain=$(stat -c %s "$work/plain/dist/index.html")
html_maps=$(stat -c %s "$work/maps/dist/index.html")
svg=$(python3 - "$work/maps/dist/index.html" <<'PY'
import re, sys
h = open(sys.argv[1]).read()
for name in ("AreaMap", "USMap"):
    m = re.search(r'<figure[^>]*data-component="%s".*?</figure>' % name, h, re.S)
    print(f"{name} {len(m.group(0))}")
PY
)
shapes=$(du -b crates/quire-build/shapes/*.geojson | awk '{printf "%s %s bytes; ", $2, $1}')
echo "quire build, one page: ${plain} ms without maps, ${maps} ms with a world map and a US map (medians of $runs runs)"
echo "page HTML: ${html_plain} bytes without, ${html_maps} bytes with; each map's figure: $(echo $svg | tr '\n' ' ')"
echo "shapes shipped in the binary (and fetched by a live map's page, as JSON): $shapes"
