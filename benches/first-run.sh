#!/usr/bin/env bash
# Times the README's first command as a new user meets it: a fresh clone of HEAD, an empty
# Cargo home (every crate downloaded), an empty target folder and no wasm-bindgen, until
# `quire dev` answers on its port with the example's first page. Prints each stage's start
# (from example.sh's own `==>` lines) and the total. Usage: benches/first-run.sh
# Takes as long as it measures (about a quarter of an hour on 2 cores); leaves nothing behind.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
work=$(mktemp -d)
server=""
cleanup() { [[ -n "$server" ]] && kill -- -"$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
git clone --quiet --local --no-hardlinks . "$work/quire"
# Without the machine's Cargo folder and the tools installed there: only rustup itself, and
# the toolchain's cargo and rustc.
toolchain=$(dirname "$(rustup which cargo)")
export CARGO_HOME="$work/cargo-home"   # no registry cache, no installed tools
export CARGO_TARGET_DIR="$work/target"
export PATH="$CARGO_HOME/bin:$PATH"
mkdir -p "$work/bin"
ln -s "$(command -v rustup)" "$work/bin/rustup"
PATH=$(tr ':' '\n' <<< "$PATH" | grep -vx "$HOME/.cargo/bin" | paste -sd:)
export PATH="$PATH:$work/bin:$toolchain"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start=$(date +%s)
log="$work/log"
# Each line of output stamped with the seconds since the start; a session of its own, so the
# server and everything it started stop together at the end.
export start
setsid bash -c 'PORT="$1" "$2" 2>&1 | while IFS= read -r line; do printf "%4d s  %s\n" "$(( $(date +%s) - start ))" "$line"; done' \
  _ "$port" "$work/quire/scripts/example.sh" > "$log" &
server=$!
until curl -fsS "http://127.0.0.1:$port/" -o /dev/null 2>/dev/null; do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "example.sh stopped before serving:" >&2
    tail -30 "$log" >&2
    exit 1
  fi
  sleep 2
done
total=$(( $(date +%s) - start ))
echo "first run of scripts/example.sh (commit $(git rev-parse --short=12 HEAD), $(nproc) cores): example served after $((total / 60)) min $((total % 60)) s"
# Each stage as example.sh announced it, with the second it began.
grep -a '==>' "$log" | sed 's/\x1b\[[0-9;]*m//g' || true
