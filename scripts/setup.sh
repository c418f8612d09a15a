#!/usr/bin/env bash
# Installs what building and testing quire needs, and only what is missing:
#   the wasm32 target, clang (C code compiled to wasm), wasm-bindgen-cli at the exact
#   version of the wasm-bindgen crate in Cargo.lock, and with --test also Debian's
#   Chromium, chromedriver, PostgreSQL's server, buildah (the image), the browser driver the end-to-end tests
#   use, and DuckDB's Python package (in a virtualenv), which the dialect test checks
#   quire's answers against; with --test or --duckdb, DuckDB's library (libduckdb, from the
#   npm package DuckDB publishes it in), which `type: duckdb` sources run in.
# Sourced by example.sh and test.sh; safe to run again.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/quire/target}"
DUCKDB_VERSION=2.0.1    # tests/testsuite/dialect.rs compares quire with this DuckDB
DUCKDB_VENV="$HOME/.cache/quire/duckdb-venv"
LIBDUCKDB_VERSION=1.5.6-r.1   # @duckdb/node-bindings-linux-x64: DuckDB 1.5.6's libduckdb.so
LIBDUCKDB_DIR="$HOME/.cache/quire/libduckdb"   # where quire looks for it (quire-duckdb)

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
# Debian's packages, with sudo unless root (release.sh uses it too).
apt_install() {
  say "installing $* from Debian's packages"
  local sudo=""; [[ $(id -u) -ne 0 ]] && sudo=sudo
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@"
}

want_test=0
want_duckdb=0
want_wasm_bindgen=1
for arg in "$@"; do
  case "$arg" in
    --test) want_test=1; want_duckdb=1 ;;
    --duckdb) want_duckdb=1 ;;
    --no-wasm-bindgen) want_wasm_bindgen=0 ;;   # the caller runs install_wasm_bindgen itself
  esac
done

apt_packages=()
command -v clang >/dev/null || apt_packages+=(clang)
command -v npm >/dev/null || apt_packages+=(nodejs npm)   # wasm-opt (binaryen from npm), the browser tests
command -v python3 >/dev/null || apt_packages+=(python3)
if (( want_test )); then
  command -v chromium >/dev/null || apt_packages+=(chromium)
  command -v chromedriver >/dev/null || apt_packages+=(chromium-driver)   # wasm-bindgen-test
  # The PostgreSQL source's tests start a real server (initdb, pg_ctl) on loopback.
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || apt_packages+=(postgresql)
  # Their TLS test makes its own CA and server certificate with the openssl tool.
  command -v openssl >/dev/null || apt_packages+=(openssl)
  # The release test builds the image without a daemon.
  command -v buildah >/dev/null || apt_packages+=(buildah)
  # Debian's python3 makes virtualenvs only with python3-venv (ensurepip).
  python3 -c 'import ensurepip' 2>/dev/null || apt_packages+=(python3-venv)
fi
if (( ${#apt_packages[@]} )); then
  apt_install "${apt_packages[@]}"
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

install_wasm_bindgen() {
  local wbg
  wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
  if [[ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg" ]]; then
    say "installing wasm-bindgen-cli $wbg (it must match the wasm-bindgen crate)"
    # Not --locked: one of its locked dependencies is missing from the registry. Without its
    # TLS (quire's tests give it a chromedriver; it downloads nothing) and at opt-level 1: a
    # minute and a half on two cores instead of five, and the same output.
    CARGO_PROFILE_RELEASE_OPT_LEVEL=1 cargo install wasm-bindgen-cli --version "$wbg" --no-default-features
  fi
}
(( want_wasm_bindgen )) && install_wasm_bindgen

if (( want_test )) && [[ ! -d tests/e2e/node_modules/playwright-core ]]; then
  say "installing the browser driver (playwright-core, driving Debian's Chromium)"
  (cd tests/e2e && npm ci --no-audit --no-fund)
fi

if (( want_test )); then
  # A virtualenv of its own: Debian's Python refuses `pip install` outside one (PEP 668),
  # as root or not. The test finds it at this path, or wherever QUIRE_PYTHON says.
  if ! "$DUCKDB_VENV/bin/python" -c "import duckdb, sys; sys.exit(duckdb.__version__ != '$DUCKDB_VERSION')" 2>/dev/null; then
    say "installing DuckDB $DUCKDB_VERSION's Python package in $DUCKDB_VENV (the dialect test's reference)"
    python3 -m venv --clear "$DUCKDB_VENV"
    "$DUCKDB_VENV/bin/pip" install --quiet --disable-pip-version-check "duckdb==$DUCKDB_VERSION"
  fi
  export QUIRE_PYTHON="$DUCKDB_VENV/bin/python"
fi

if (( want_duckdb )) && [[ "$(cat "$LIBDUCKDB_DIR/VERSION" 2>/dev/null)" != "$LIBDUCKDB_VERSION" ]]; then
  say "installing DuckDB's library (libduckdb $LIBDUCKDB_VERSION, from npm) in $LIBDUCKDB_DIR"
  case "$(uname -m)" in
    x86_64) npm_arch=x64 ;;
    aarch64|arm64) npm_arch=arm64 ;;
    *) echo "no DuckDB library for $(uname -m)" >&2; exit 1 ;;
  esac
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "@duckdb/node-bindings-linux-$npm_arch@$LIBDUCKDB_VERSION" >/dev/null && tar xzf ./*.tgz)
  mkdir -p "$LIBDUCKDB_DIR"
  mv "$tmp/package/libduckdb.so" "$LIBDUCKDB_DIR/libduckdb.so"
  echo "$LIBDUCKDB_VERSION" > "$LIBDUCKDB_DIR/VERSION"
  rm -rf "$tmp"
fi
