#!/usr/bin/env node
// Reads the harness's raw results (results/raw/*.json) and quire's first-chart timings, and
// prints per data size: each engine's median for q1..q5, engine ready and first chart,
// and the ratio quire / DuckDB-WASM (below 1: quire is faster).
//   node ratio.mjs RESULTS_DIR [first-chart.json]
import fs from 'node:fs';
import path from 'node:path';

const [dir, firstChartFile] = process.argv.slice(2);
const median = (xs) => {
  const s = xs.filter((x) => x != null).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const runs = fs.readdirSync(path.join(dir, 'raw')).filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(fs.readFileSync(path.join(dir, 'raw', f), 'utf8'))).filter((r) => r.ok);
const by = {};
for (const r of runs) {
  const [engine, , size] = r.label.split(' ');
  const k = `${size}`;
  by[k] ||= {};
  const e = (by[k][engine] ||= { ready: [], firstResult: [], q: {} });
  e.ready.push(r.timings.engine_ready_ms);
  e.firstResult.push(r.timings.first_result_at_ms);
  for (const q of r.queries) (e.q[q.name] ||= []).push(q.median_ms);
}
const firstChart = firstChartFile && fs.existsSync(firstChartFile) ? JSON.parse(fs.readFileSync(firstChartFile, 'utf8')) : null;
const fmt = (x) => (x == null ? '–' : x >= 100 ? x.toFixed(0) : x.toFixed(1));
const ratio = (a, b) => (a == null || b == null ? '–' : (a / b).toFixed(2));
for (const size of Object.keys(by).sort()) {
  const q = by[size].quire;
  const d = by[size]['duckdb-wasm'];
  if (!q || !d) continue;
  console.log(`\n#### ${size} rows (quire: ${q.ready.length} runs, DuckDB-WASM: ${d.ready.length} runs; ms, median)\n`);
  console.log('| figure | quire | DuckDB-WASM | ratio |');
  console.log('| --- | ---: | ---: | ---: |');
  const row = (name, a, b) => console.log(`| ${name} | ${fmt(a)} | ${fmt(b)} | ${ratio(a, b)} |`);
  for (const name of Object.keys(d.q)) row(name, median(q.q[name] || []), median(d.q[name]));
  row('engine ready (from navigation)', median(q.ready), median(d.ready));
  row('data loaded, first query answered (from navigation)', median(q.firstResult), median(d.firstResult));
  if (firstChart) {
    row('first chart visible (from navigation)', firstChart.median_ms, median(d.firstResult));
  }
}
if (firstChart) {
  console.log(`\nFirst chart: quire's is pre-rendered SVG, visible at first contentful paint of the example's`
    + ` explorer page (${firstChart.runs} cold loads); DuckDB-WASM's cannot come before its first result.`);
}
