#!/usr/bin/env bash
# The README's second command: set up (including Chromium for browser tests), build the
# browser runtime, and run every test: unit, snapshot, broken-project and end-to-end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh --test
scripts/build-runtime.sh
# The example's data is generated, not kept in git (same seed, same bytes).
if [[ ! -f reports_example/sources/orders/orders.parquet ]]; then
  cargo build -p quire
  "$CARGO_TARGET_DIR/debug/quire" demo-data --rows 100000
fi
printf '\033[1;34m==>\033[0m running the tests\n' >&2
export INSTA_UPDATE=no   # a changed snapshot fails; review it with cargo insta
# Snapshots are read from this checkout, even by a test binary cargo reused from a clone
# at another path that shares the target folder (insta otherwise looks beside the path the
# binary was compiled at).
export INSTA_WORKSPACE_ROOT="$PWD"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
# With Ballista (`cluster`), as release artifacts are; tests/testsuite/release.rs packages and
# tests the plain build too.
cargo test --workspace --exclude quire-site --features quire/cluster --no-fail-fast "$@" 2>&1 | tee "$log" || status=$?
printf '\033[1;34m==>\033[0m running the runtime'"'"'s tests in headless Chromium (wasm-bindgen-test)\n' >&2
# Same profile as the runtime just built, so every dependency is already compiled.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER="${CHROMEDRIVER:-$(command -v chromedriver)}" WASM_BINDGEN_TEST_TIMEOUT=120 \
  cargo test -p quire-site --profile wasm-test --target wasm32-unknown-unknown 2>&1 | tee -a "$log" || status=$?
# One closing line over every test binary.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
exit "$status"
