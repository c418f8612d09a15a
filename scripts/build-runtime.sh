#!/usr/bin/env bash
# Builds the browser runtime (site/) into site/dist; `quire` embeds it when built.
#   scripts/build-runtime.sh            the test profile: builds fast
#   QUIRE_WASM_PROFILE=wasm-release scripts/build-runtime.sh   size-tuned (and wasm-opt)
#   QUIRE_SITE_OUT=DIR ...               write it to DIR instead of site/dist
#   scripts/build-runtime.sh --compile-only   only the first step (no wasm-bindgen needed yet)
# Three steps: cargo builds the engine for wasm32, wasm-bindgen writes its JavaScript glue
# (quire-site.js and quire-site_bg.wasm), and the two scripts in site/js are copied beside
# them (quire.js on every page, worker.js running the engine off the main thread).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/quire/target}"
profile="${QUIRE_WASM_PROFILE:-wasm-test}"
out="${QUIRE_SITE_OUT:-site/dist}"
printf '\033[1;34m==>\033[0m building the browser runtime (profile %s)\n' "$profile" >&2
cargo build -p quire-site --bin quire-site --target wasm32-unknown-unknown --profile "$profile"
[[ "${1:-}" == --compile-only ]] && exit 0
# Written to a fresh folder and moved in whole, so a failed step leaves the last runtime.
next=$(mktemp -d "${out%/}.next.XXXXXX")
trap 'rm -rf "$next"' EXIT
wasm-bindgen --target web --no-typescript --out-name quire-site --out-dir "$next" \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/$profile/quire-site.wasm"
cp site/js/quire.js site/js/worker.js "$next/"
# The size-tuned build also goes through binaryen's wasm-opt: version 132, from npm, kept
# outside the clone. (Debian's wasm-opt 108 points wasm-bindgen's externref table export at
# the function table, and the runtime then fails to start.)
if [[ "$profile" == wasm-release ]]; then
  binaryen="$HOME/.cache/quire/binaryen"
  wasm_opt="$binaryen/node_modules/.bin/wasm-opt"
  if [[ "$("$wasm_opt" --version 2>/dev/null | awk '{print $3}')" != 132 ]]; then
    printf '\033[1;34m==>\033[0m installing binaryen 132 (wasm-opt) from npm\n' >&2
    mkdir -p "$binaryen"
    npm install --prefix "$binaryen" --no-audit --no-fund --loglevel=error binaryen@132.0.0
  fi
  printf '\033[1;34m==>\033[0m optimising for size with %s (a few minutes)\n' "$("$wasm_opt" --version)" >&2
  for f in "$next"/*_bg.wasm; do
    "$wasm_opt" -Oz "$f" -o "$f.opt"
    mv "$f.opt" "$f"
  done
fi
chmod 755 "$next"
rm -rf "$out"
mv "$next" "$out"
trap - EXIT
ls -l "$out"/ >&2
