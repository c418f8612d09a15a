#!/usr/bin/env node
// The peer's side of benches/scale.sh: DuckDB-WASM (scale-peer.js) in a fresh headless
// Chromium profile, on the Parquet file the quire site ships, answering the same input
// changes quire's explorer answered (read from explorer-scale.mjs's JSON): for each, the
// queries the explorer runs again (a category change: the month chart's, the states',
// their total and the day's orders; a channel change: the first three), written for DuckDB
// as the page writes them. Times each change inside the page; counts the bytes fetched.
// Prints JSON.
//   node scale-peer.mjs PAGE_URL DATA_PATH QUIRE_JSON [CHANGES]
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [pageUrl, dataPath, quireJson, changesArg] = process.argv.slice(2);
const quire = JSON.parse(fs.readFileSync(quireJson, 'utf8'));
const states = quire.states.slice(0, parseInt(changesArg || '4', 10));
const timeout = 600000;
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-scale-peer-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
});
const page = await ctx.newPage();
let dataBytes = 0;
let engineBytes = 0;
const sizes = [];
page.on('requestfinished', (req) => sizes.push(req.sizes().then((s) => {
  const bytes = s.responseBodySize + s.responseHeadersSize;
  if (new URL(req.url()).pathname.includes('/data/')) dataBytes += bytes;
  else engineBytes += bytes;
})));
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
// A missing favicon is the browser asking, not the page.
page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.url()}: HTTP ${r.status()}`); });

const q = (s) => `'${String(s).replaceAll("'", "''")}'`;
const where = (s) => `category = ${q(s.category)} and (channel = ${q(s.channel)} or ${q(s.channel)} = 'All')`;
const statesSql = (s) => `select state, count(*) as orders, sum(sales) as sales, avg(sales) as avg_order from orders
  where ${where(s)} and state ilike '%%' group by state order by sales desc, state`;
function queries(s, categoryChanged) {
  const out = [
    `select date_trunc('month', order_datetime) as month, channel, sum(sales) as sales from orders where ${where(s)} group by 1, 2 order by 1, 2`,
    statesSql(s),
    `select coalesce(sum(orders), 0) as orders, sum(sales) as sales from (${statesSql(s)})`,
  ];
  if (categoryChanged) {
    out.push(`select order_datetime as ordered_at, state, channel, sales from orders
      where order_datetime >= cast(${q(s.day)} as timestamp) and order_datetime < cast(${q(s.day)} as timestamp) + interval '1 day'
        and category = ${q(s.category)} order by sales desc, order_datetime limit 10`);
  }
  return out;
}

const started = Date.now();
await page.goto(`${pageUrl}?data=${encodeURIComponent(dataPath)}`, { waitUntil: 'load', timeout });
const engine = await page.evaluate(() => window.engineReady);
const readyMs = Date.now() - started;
await Promise.all(sizes);
const firstVisit = { data: dataBytes, engine: engineBytes };
const times = [];
const rows = [];
let previous = quire.start;
for (const s of states) {
  const sqls = queries(s, s.category !== previous.category);
  const [ms, n] = await page.evaluate(async (sqls) => {
    const t = performance.now();
    const n = await window.runAll(sqls);
    return [performance.now() - t, n];
  }, sqls);
  times.push(Math.round(ms));
  rows.push(n);
  previous = s;
}
await Promise.all(sizes);
// DuckDB's wasm memory after the changes, from the peers' hooks in its worker.
let wasmBytes = -1;
for (const w of page.workers()) {
  const m = await w.evaluate(() => (globalThis.__benchMemory ? globalThis.__benchMemory() : null)).catch(() => null);
  if (m) wasmBytes = Math.max(wasmBytes, m.wasm_memory_bytes);
}
await ctx.close();
fs.rmSync(profile, { recursive: true, force: true });
const sorted = [...times].sort((a, b) => a - b);
process.stdout.write(JSON.stringify({
  engine, ready_ms: readyMs, first_visit: firstVisit, input_ms: times, rows,
  input_p50_ms: sorted[Math.floor((sorted.length - 1) / 2)], input_max_ms: sorted[sorted.length - 1],
  data_bytes: dataBytes, wasm_bytes: wasmBytes, errors,
}) + '\n');
