#!/usr/bin/env bash
# How soon the explorer's engine answers (issue 16's "engine ready"), this build against an
# earlier one in the same run: the scale bench's built site (DIST, by default SIZE=100M's
# dist/, which benches/scale.sh writes) and, with BASE_DIST, an earlier build of the same
# project, each served on loopback (benches/browser/serve.mjs, Range requests answered) and
# opened RUNS times in turn in fresh headless Chromium profiles. Prints, for each, the medians
# of first contentful paint, DOMContentLoaded, the inputs answering and the engine checked
# against the build (in the page, from navigation; and by the driver's clock from asking for
# the page, as earlier runs measured), and the ratios; writes benches/results/ready.md. With
# FIRST_CHANGE=1, each visit also picks another value in the page's first dropdown as soon
# as the inputs answer (a reader who does not wait), and says when that change's slots are in.
#   benches/ready.sh [RUNS]        DIST=... BASE_DIST=... FIRST_CHANGE=1 optional
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
runs="${1:-9}"
dist="${DIST:-$HOME/.cache/quire/bench-scale/${SIZE:-100M}/dist}"
[[ -f "$dist/explorer/index.html" ]] || { echo "no built explorer in $dist: run benches/scale.sh first" >&2; exit 1; }
work=$(mktemp -d)
servers=()
trap 'kill "${servers[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
serve() {
  node benches/browser/serve.mjs "$1" > "$work/$2.log" 2>&1 &
  servers+=($!)
  for _ in $(seq 50); do
    port=$(grep -o 'port [0-9]*' "$work/$2.log" | awk '{print $2}' || true)
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  echo "http://127.0.0.1:$port/explorer/"
}
[[ -d tests/e2e/node_modules/playwright-core ]] || (cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error)
# The driver beside the browser driver's packages (playwright-core, from tests/e2e).
cp benches/browser/ready.mjs "$work/"
ln -sfn "$PWD/tests/e2e/node_modules" "$work/node_modules"
urls=("$(serve "$dist" this)")
[[ -n "${BASE_DIST:-}" ]] && urls+=("$(serve "$BASE_DIST" base)")
node "$work/ready.mjs" "$runs" "${urls[@]}" > "$work/ready.json"
results=benches/results/ready.md
node -e '
  const [file, runs, dist, base] = process.argv.slice(1);
  const r = JSON.parse(require("fs").readFileSync(file, "utf8"));
  const errors = r.flatMap((u) => u.visits.flatMap((v) => v.errors));
  if (errors.length) { console.error(errors.join("\n")); process.exit(1); }
  const out = [];
  out.push(`## Engine ready, ${new Date().toISOString().slice(0, 10)}`, "");
  out.push(`Command: \`benches/ready.sh ${runs}\`: the explorer of ${dist}${base ? ` and of ${base} (BASE_DIST)` : ""}, ${runs} fresh-profile visits each, in turn, on ${require("os").cpus().length} cores. Medians, ms from navigation.`, "");
  const changed = r[0].median.changed !== undefined;
  out.push(`| site | first contentful paint | DOMContentLoaded | inputs answer | checked against the build | inputs answer (driver) | checked (driver) |${changed ? " a change made as they answer, answered |" : ""} states |`,
    `| --- | --- | --- | --- | --- | --- | --- |${changed ? " --- |" : ""} --- |`);
  const names = ["this build", "BASE_DIST"];
  r.forEach((u, i) => {
    const states = [...new Set(u.visits.map((v) => v.state))].join(", ");
    const m = u.median;
    out.push(`| ${names[i]} | ${m.fcp} | ${m.dcl} | ${m.answered} | ${m.checkedAt} | ${m.answers} | ${m.checked} |${changed ? ` ${m.changed} |` : ""} ${states} |`);
  });
  if (r.length === 2) {
    const ratio = (m) => (r[0].median[m] / r[1].median[m]).toFixed(2);
    out.push(`| this / base | ${ratio("fcp")} | ${ratio("dcl")} | ${ratio("answered")} | ${ratio("checkedAt")} | ${ratio("answers")} | ${ratio("checked")} |${changed ? ` ${ratio("changed")} |` : ""} |`);
  }
  out.push("", "In the page, ms from navigation (the clock of first paint); (driver): the wall clock of the driver, from asking for the page (the start of the navigation included; earlier runs quoted these).", "");
  out.push(`Every visit (first contentful paint, inputs answer, checked${changed ? ", the early change answered" : ""}; in the page):`, "");
  r.forEach((u, i) => out.push(`- ${names[i]}: ${u.visits.map((v) => `${v.fcp}/${v.answered}/${v.checkedAt}${changed ? `/${v.changed}` : ""}`).join(", ")}`));
  console.log(out.join("\n"));
' "$work/ready.json" "$runs" "$dist" "${BASE_DIST:-}" | tee "$results"
