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
# The size-tuned build also goes through binaryen (trunk would download its own; the
# installed one is older, so name the wasm features rustc uses).
if [[ "$profile" == wasm-release ]] && command -v wasm-opt >/dev/null; then
  printf '\033[1;34m==>\033[0m optimising for size with %s\n' "$(wasm-opt --version)" >&2
  for f in "$out"/*_bg.wasm; do
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
      --enable-mutable-globals --enable-reference-types --enable-multivalue "$f" -o "$f.opt"
    mv "$f.opt" "$f"
  done
fi
ls -l "$out"/ >&2
