#!/usr/bin/env bash
# Builds the browser runtime (site/) to site/dist with trunk; `quire` embeds it when built.
#   scripts/build-runtime.sh            the test profile: builds fast
#   QUIRE_WASM_PROFILE=wasm-release scripts/build-runtime.sh   size-tuned (and wasm-opt)
#   QUIRE_SITE_OUT=DIR ...               write it to DIR instead of site/dist
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/quire/target}"
profile="${QUIRE_WASM_PROFILE:-wasm-test}"
printf '\033[1;34m==>\033[0m building the browser runtime (profile %s)\n' "$profile" >&2
cd site
sed "s/data-cargo-profile-release=\"[a-z-]*\"/data-cargo-profile-release=\"$profile\"/" index.html > .index.build.html
trap 'rm -f .index.build.html' EXIT
out="${QUIRE_SITE_OUT:-dist}"
trunk build --release --offline=true --dist "$out" .index.build.html
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
  for f in "$out"/*_bg.wasm; do
    "$wasm_opt" -Oz "$f" -o "$f.opt"
    mv "$f.opt" "$f"
  done
fi
ls -l "$out"/ >&2
