#!/usr/bin/env bash
# Two or more `quire` binaries side by side (say, two profiles' builds), on the work that
# depends on how their code was optimised, runs alternating between them so both see the
# same machine:
#   1. `quire build reports_example` (100,000 orders, its pages, charts and live queries);
#   2. `quire run --full-refresh` of one model over 10,000,000 generated orders (Parquet in
#      and out: scans, a filter, a grouped aggregate), the model of benches/pipeline.sh.
# Prints each binary's size and medians, and each one's ratio to the first binary.
# Usage: benches/compare.sh [-n RUNS] BIN BIN...        (needs the example's data)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs=9
if [[ "${1:-}" == -n ]]; then runs="$2"; shift 2; fi
(( $# >= 2 )) || { echo "usage: benches/compare.sh [-n RUNS] BIN BIN..." >&2; exit 2; }
bins=("$@")
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }

[[ -f reports_example/sources/orders/orders.parquet ]] || "${bins[0]}" demo-data --rows 100000
work="$HOME/.cache/quire/bench-pipeline"
mkdir -p "$work/project/sources/orders" "$work/project/pipeline/marts"
data="$work/project/sources/orders/orders.parquet"
[[ -f "$data" ]] || "${bins[0]}" demo-data --rows 10000000 --out "$data"
echo "type: parquet" > "$work/project/sources/orders/connection.yaml"
cp benches/pipeline/monthly.sql "$work/project/pipeline/marts/monthly.sql"
rm -f "$work/project/quire.toml"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

declare -A build run
for i in "${!bins[@]}"; do   # warm the page cache and each binary's first start
  "${bins[$i]}" build reports_example --out "$out/dist-$i" --quiet
  "${bins[$i]}" run "$work/project" --quiet --full-refresh
done
for _ in $(seq "$runs"); do
  for i in "${!bins[@]}"; do
    build[$i]+="$(ms "${bins[$i]}" build reports_example --out "$out/dist-$i" --quiet) "
    run[$i]+="$(ms "${bins[$i]}" run "$work/project" --quiet --full-refresh) "
  done
done

echo "benches/compare.sh, $runs runs each, alternating, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| binary | size | \`quire build reports_example\` | ratio | 10M-row model, \`quire run\` | ratio |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
b0=""; r0=""
for i in "${!bins[@]}"; do
  b=$(tr ' ' '\n' <<< "${build[$i]}" | grep . | median)
  r=$(tr ' ' '\n' <<< "${run[$i]}" | grep . | median)
  [[ -z "$b0" ]] && { b0=$b; r0=$r; }
  printf '| %s | %s B | %s ms | %.2f | %s ms | %.2f |\n' "${bins[$i]}" "$(stat -c %s "${bins[$i]}")" \
    "$b" "$(bc -l <<< "$b / $b0")" "$r" "$(bc -l <<< "$r / $r0")"
done
