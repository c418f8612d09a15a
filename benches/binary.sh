#!/usr/bin/env bash
# What the `quire` binary weighs, and what in it weighs what.
#   benches/binary.sh            builds quire as scripts/release.sh does (the `dist` profile,
#                                the size-tuned runtime) twice, with Ballista
#                                (`--features cluster`, what releases ship) and without, and
#                                measures both (over an hour on 2 cores: two fat-LTO builds)
#   benches/binary.sh BIN...     measures binaries already built
# For each binary: what `quire --version` says (the runtime's hash among it), its size, its
# code (.text) and read-only data (.rodata, where the compressed runtime is). For a binary
# that still has its symbols (the `release` profile, say), also the code each crate's
# functions take, the way `cargo bloat --crates` counts it (generic functions count for the
# crate that defines them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/quire/target}"
bins=("$@")
if (( ${#bins[@]} == 0 )); then
  kept="$CARGO_TARGET_DIR/binary-bench"
  mkdir -p "$kept"
  for variant in cluster plain; do
    flags=(--no-image); [[ "$variant" == plain ]] && flags+=(--no-cluster)
    out=$(mktemp -d)
    scripts/release.sh "${flags[@]}" --out "$out"
    tar -xzf "$out"/quire-*.tar.gz -C "$out"
    mv "$out/quire" "$kept/quire-$variant"
    rm -rf "$out"
    bins+=("$kept/quire-$variant")
  done
fi
for bin in "${bins[@]}"; do
  size=$(stat -c %s "$bin")
  text=$(size -A "$bin" | awk '$1 == ".text" { print $2 }')
  echo "$bin: $("$bin" --version)"
  rodata=$(size -A "$bin" | awk '$1 == ".rodata" { print $2 }')
  printf '  %s bytes (%.1f MiB); code (.text) %s bytes (%.1f MiB); .rodata (the compressed runtime among it) %s bytes\n' \
    "$size" "$(bc -l <<< "$size / 1048576")" "$text" "$(bc -l <<< "$text / 1048576")" "$rodata"
  if nm "$bin" >/dev/null 2>&1 && (( $(nm "$bin" 2>/dev/null | head -1000 | wc -l) > 0 )); then
    echo "  code by crate (top 20, of $(nm -S --size-sort "$bin" | awk '$3 ~ /^[tTwW]$/' | wc -l) functions):"
    nm -S --size-sort -C "$bin" | awk '$3 ~ /^[tTwW]$/' | python3 -c '
import re, sys, collections
sizes = collections.Counter()
for line in sys.stdin:
    parts = line.rstrip("\n").split(" ", 3)
    if len(parts) < 4:
        continue
    size, name = int(parts[1], 16), parts[3]
    # <T as crate::Trait>::f and <crate::T>::f count for the type or trait'"'"'s crate.
    name = name.lstrip("<&*").replace("mut ", "").replace("dyn ", "")
    m = re.match(r"([A-Za-z_][A-Za-z0-9_]*)::", name)
    crate = m.group(1) if m else "(C and other symbols)"
    sizes[crate] += size
total = sum(sizes.values())
for crate, size in sizes.most_common(20):
    print(f"    {crate:32} {size:>12,} bytes  {100 * size / total:5.1f}%")
'
  fi
done
