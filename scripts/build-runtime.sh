#!/usr/bin/env bash
# Builds the browser runtime (site/) to site/dist with trunk; `quire` embeds it when built.
#   scripts/build-runtime.sh            the test profile: builds fast
#   QUIRE_WASM_PROFILE=wasm-release scripts/build-runtime.sh   size-tuned
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/quire/target}"
profile="${QUIRE_WASM_PROFILE:-wasm-test}"
printf '\033[1;34m==>\033[0m building the browser runtime (profile %s)\n' "$profile" >&2
cd site
sed "s/data-cargo-profile-release=\"[a-z-]*\"/data-cargo-profile-release=\"$profile\"/" index.html > .index.build.html
trap 'rm -f .index.build.html' EXIT
trunk build --release --offline=true .index.build.html
ls -l dist/*.wasm >&2
