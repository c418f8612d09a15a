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
cargo test --workspace --exclude quire-site "$@"
