#!/usr/bin/env bash
# quire run, measured. Usage: benches/pipeline.sh [RUNS]   (needs scripts/setup.sh done)
#  1. a no-op run of the example's pipeline (nothing changed): median of RUNS;
#  2. one model over 10,000,000 generated orders (Parquet in, Parquet out), `quire run
#     --full-refresh` (one thread, the default, split `partitions` ways) against DuckDB's Python package running the same SQL on the same
#     file, alternating, median of RUNS each, and the ratio;
#  3. the example's pipeline (4 models, 2 stages, 14 data tests) over the same orders,
#     `--full-refresh` with `threads = 1` and with the default (the machine's cores: models
#     and tests side by side), alternating, median of RUNS each.
# Writes benches/results/pipeline.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/quire/target}"
runs="${1:-9}"
cargo build --release -q -p quire
quire="$CARGO_TARGET_DIR/release/quire"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s%N; }

# 1. No-op.
[[ -f reports_example/sources/orders/orders.parquet ]] || "$quire" demo-data --rows 100000
"$quire" run reports_example --quiet
noop=()
for _ in $(seq "$runs"); do
  s=$(now); "$quire" run reports_example --quiet; e=$(now)
  noop+=($(( (e - s) / 1000 )))
done
noop_median=$(printf '%s\n' "${noop[@]}" | median)

# 2. 10M rows.
work="$HOME/.cache/quire/bench-pipeline"
mkdir -p "$work/project/sources/orders" "$work/project/pipeline/marts"
data="$work/project/sources/orders/orders.parquet"
[[ -f "$data" ]] || "$quire" demo-data --rows 10000000 --out "$data"
echo "type: parquet" > "$work/project/sources/orders/connection.yaml"
model="$work/project/pipeline/marts/monthly.sql"
cp benches/pipeline/monthly.sql "$model"   # the model benches/compare.sh times too
venv="$HOME/.cache/quire/duckdb-venv"
[[ -x "$venv/bin/python" ]] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q duckdb; }
duck_version=$("$venv/bin/python" -c 'import duckdb; print(duckdb.__version__)')
threads=$(nproc)
"$quire" run "$work/project" --quiet --full-refresh   # warm the page cache
q=(); qt=(); qp=(); d=(); dq=()
for _ in $(seq "$runs"); do
  printf '[pipeline]\nthreads = 1\n' > "$work/project/quire.toml"
  s=$(now); "$quire" run "$work/project" --quiet --full-refresh; e=$(now)
  q+=($(( (e - s) / 1000000 )))
  rm -f "$work/project/quire.toml"   # the default: the machine's cores
  s=$(now); "$quire" run "$work/project" --quiet --full-refresh; e=$(now)
  qt+=($(( (e - s) / 1000000 )))
  printf '[pipeline]\npartitions = %s\n' "$threads" > "$work/project/quire.toml"
  s=$(now); "$quire" run "$work/project" --quiet --full-refresh; e=$(now)
  qp+=($(( (e - s) / 1000000 )))
  s=$(now); json=$("$venv/bin/python" benches/pipeline/duckdb_model.py "$data" "$model" "$work/duck.parquet"); e=$(now)
  d+=($(( (e - s) / 1000000 )))
  dq+=($(python3 -c "import json,sys; print(round(json.loads(sys.argv[1])['seconds']*1000))" "$json"))
done

# 3. The example's pipeline over the same orders: threads = 1 against the default.
example="$work/example"
rm -rf "$example" && mkdir -p "$example/sources/orders"
cp -r reports_example/pipeline "$example/"
cp -r reports_example/sources/geo "$example/sources/"
cp reports_example/sources/orders/connection.yaml "$example/sources/orders/"
ln -s "$data" "$example/sources/orders/orders.parquet"
"$quire" run "$example" --quiet --full-refresh
e1=(); ed=()
for _ in $(seq "$runs"); do
  printf '[pipeline]\nthreads = 1\n' > "$example/quire.toml"
  s=$(now); "$quire" run "$example" --quiet --full-refresh; e=$(now)
  e1+=($(( (e - s) / 1000000 )))
  rm -f "$example/quire.toml"
  s=$(now); "$quire" run "$example" --quiet --full-refresh; e=$(now)
  ed+=($(( (e - s) / 1000000 )))
done
e1m=$(printf '%s\n' "${e1[@]}" | median); edm=$(printf '%s\n' "${ed[@]}" | median)
rm -f "$work/project/quire.toml"
qtm=$(printf '%s\n' "${qt[@]}" | median); qpm=$(printf '%s\n' "${qp[@]}" | median)
ratio_p=$(python3 -c "print(f'{$qpm/$(printf '%s\n' "${d[@]}" | median):.2f}')")
ratio_t=$(python3 -c "print(f'{$qtm/$(printf '%s\n' "${d[@]}" | median):.2f}')")
qm=$(printf '%s\n' "${q[@]}" | median); dm=$(printf '%s\n' "${d[@]}" | median); dqm=$(printf '%s\n' "${dq[@]}" | median)
ratio=$(python3 -c "print(f'{$qm/$dm:.2f}')")
ratio_in=$(python3 -c "print(f'{$qm/$dqm:.2f}')")
rows=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['rows'])" "$json")
{
  echo "# quire run ($(date -u +%Y-%m-%d), $(nproc) cores)"
  echo
  echo "Command: \`benches/pipeline.sh $runs\`."
  echo
  echo "| figure | median | all runs |"
  echo "| --- | --- | --- |"
  echo "| no-op \`quire run reports_example\` (4 models, all current) | $((noop_median / 1000)).$(printf '%03d' $((noop_median % 1000))) ms | $(printf '%s ' "${noop[@]}") µs |"
  echo "| 10M-row model, \`quire run --full-refresh\` (whole process), \`threads = 1\` | $qm ms | ${q[*]} |"
  echo "| same, the default (\`threads\` = $threads cores; one model: one thread) | $qtm ms | ${qt[*]} |"
  echo "| same, \`partitions = $threads\` (the query split $threads ways; rows in no fixed order) | $qpm ms | ${qp[*]} |"
  echo "| same SQL, DuckDB $duck_version Python (whole process, $threads threads) | $dm ms | ${d[*]} |"
  echo "| same SQL, DuckDB $duck_version, in-process (from \`import duckdb\` to the file written) | $dqm ms | ${dq[*]} |"
  echo "| the example's pipeline over the same orders (4 models, 14 tests), \`threads = 1\` | $e1m ms | ${e1[*]} |"
  echo "| same, the default ($threads cores: models and tests side by side) | $edm ms | ${ed[*]} |"
  echo
  echo "Ratio quire / DuckDB, whole process: **$ratio** with one thread, **$ratio_t** with the default, **$ratio_p** split $threads ways; $ratio_in against DuckDB's in-process time. Result: $rows rows. The example's pipeline: $(python3 -c "print(f'{$e1m/$edm:.2f}')")x faster with the default than with one thread."
} > benches/results/pipeline.md
cat benches/results/pipeline.md
