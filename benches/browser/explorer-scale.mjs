#!/usr/bin/env node
// The explorer page as a first-time reader meets it, for benches/scale.sh: a fresh Chromium
// profile, then what the visit transferred (besides quire's runtime under _quire/, which a
// host caches for every page), the time until the engine is ready (the inputs answer) and
// until it has warmed up and checked itself against the build, and the time each of
// INPUTS input changes takes until its slots are redrawn (a category, then a channel, in
// turn; after the warm-up the page runs once ready), and then of five other days (each
// fetching that day's rows). For each change, also its time inside the page (from the
// reader's change to the new slots painted), the worker's part and the worker's steps (each
// query's parsing, planning, fetching and run, the re-render), and the inputs' state after
// it (scale-peer.mjs replays those). The first visit's bytes include the warm-up's. Then
// the engine's wasm memory, and (with PAGES) every page's first visit. Prints JSON. With
// READ_MS, the reader reads that long after the check before the first change (by default
// the changes start at once: a reader who does not read).
//   node explorer-scale.mjs URL [INPUTS]
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [url, inputsArg] = process.argv.slice(2);
const changes = parseInt(inputsArg || '20', 10);
const timeout = 120000;
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-scale-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
});
const page = await ctx.newPage();
const transfers = { data: 0, page: 0, runtime: 0, files: [] };
const sizes = [];
page.on('requestfinished', (req) => sizes.push(req.sizes().then((s) => {
  const u = new URL(req.url());
  const bytes = s.responseBodySize + s.responseHeadersSize;
  if (u.pathname.includes('/_quire/')) transfers.runtime += bytes;
  else if (u.pathname.includes('/data/')) { transfers.data += bytes; transfers.files.push([u.pathname, bytes]); }
  else transfers.page += bytes;
})));
const errors = [];
page.on('pageerror', (e) => errors.push(String(e)));
// A missing favicon is the browser asking, not the page.
page.on('console', (m) => { if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text()); });
page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) errors.push(`${r.url()}: HTTP ${r.status()}`); });
const started = Date.now();
await page.goto(url, { waitUntil: 'load', timeout });
// Ready: the page's inputs answer (`live`; `ready`, `match` or `mismatch` on a page whose
// check came first or that has none).
await page.waitForFunction(() => ['live', 'match', 'mismatch', 'ready', 'error'].includes(document.documentElement.dataset.quireRuntime), null, { timeout });
const readyMs = Date.now() - started;
// The warm-up the page starts once ready (its live queries run and drawn once at this
// state, not shown), then its check against the build, before the first change: a reader
// reads the page first.
if (await page.evaluate(() => document.documentElement.dataset.quireRuntime) !== 'error') {
  await page.waitForFunction(() => document.documentElement.dataset.quireWarmMs !== undefined
    && document.documentElement.dataset.quireRuntime !== 'live', null, { timeout });
}
const checkedMs = Date.now() - started;
const runtime = await page.evaluate(() => document.documentElement.dataset.quireRuntime);
const warmMs = await page.evaluate(() => parseInt(document.documentElement.dataset.quireWarmMs || '-1', 10));
await Promise.all(sizes);
const firstVisit = { data: transfers.data, page: transfers.page };

const updates = () => page.evaluate(() => parseInt(document.documentElement.dataset.quireUpdates || '0', 10));
const settled = (n) => page.waitForFunction((n) => parseInt(document.documentElement.dataset.quireUpdates || '0', 10) > n
  && !document.documentElement.hasAttribute('data-quire-busy'), n, { timeout });
const categories = await page.evaluate(() => [...document.querySelectorAll('#q-in-category option')].map((o) => o.value));
const channels = await page.evaluate(() => [...document.querySelectorAll('[data-input="channel"] button')].map((b) => b.value));
const times = [];
// The worker's part of each change (its queries and re-render), from the page's last reply.
const workerTimes = [];
const pageTimes = [];
const steps = [];
const state = () => page.evaluate(() => ({
  category: document.querySelector('#q-in-category').value,
  channel: document.querySelector('[data-input="channel"] button[aria-pressed="true"]')?.value ?? 'All',
  day: document.querySelector('#q-in-day')?.value ?? null,
}));
const readMs = parseInt(process.env.READ_MS || '0', 10);
if (readMs > 0) await new Promise((resolve) => setTimeout(resolve, readMs));
const start = await state();
const states = [];
for (let i = 0; i < changes; i++) {
  const n = await updates();
  const t = Date.now();
  if (i % 2 === 0) {
    await page.selectOption('#q-in-category', categories[(i / 2 + 1) % categories.length]);
  } else {
    await page.click(`[data-input="channel"] button[value="${channels[((i - 1) / 2 + 1) % channels.length]}"]`);
  }
  await settled(n);
  times.push(Date.now() - t);
  const [w, p, st] = await page.evaluate(() => {
    const d = document.documentElement.dataset;
    return [parseInt(d.quireWorkerMs || '-1', 10), parseInt(d.quireChangeMs || '-1', 10), JSON.parse(d.quireSteps || '[]')];
  });
  workerTimes.push(w);
  pageTimes.push(p);
  steps.push(st);
  states.push(await state());
}
// Then DAYS other days: each reads order rows of a day not fetched yet (a ranged table's
// row groups), so its time includes the Range requests, and its bytes are what one more
// day costs a reader.
const days = [];
const dayBytes = [];
const bounds = await page.evaluate(() => { const d = document.querySelector('#q-in-day'); return d ? [d.min, d.max] : null; });
if (bounds) {
  const lo = Date.parse(bounds[0]);
  const hi = Date.parse(bounds[1]);
  for (let i = 1; i <= 5; i++) {
    const day = new Date(lo + ((hi - lo) * i) / 6).toISOString().slice(0, 10);
    await Promise.all(sizes);
    const before = transfers.data;
    const n = await updates();
    const t = Date.now();
    await page.fill('#q-in-day', day);
    await settled(n);
    days.push(Date.now() - t);
    await Promise.all(sizes);
    dayBytes.push(transfers.data - before);
  }
}
await Promise.all(sizes);
// The engine's wasm memory after all of it (a wasm memory only grows).
const wasmBytes = await page.evaluate(() => parseInt(document.documentElement.dataset.quireWasmBytes || '-1', 10));
await ctx.close();
fs.rmSync(profile, { recursive: true, force: true });

// Every other page of the site (PAGES: paths under the site, one a line), each its first
// visit in a fresh context: the bytes it transfers besides the runtime, once it is ready.
const visits = [];
if (process.env.PAGES) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  for (const rel of fs.readFileSync(process.env.PAGES, 'utf8').split('\n').filter(Boolean)) {
    const c = await browser.newContext();
    const p = await c.newPage();
    const got = [];
    p.on('requestfinished', (req) => got.push(req.sizes().then((s) => [new URL(req.url()).pathname, s.responseBodySize + s.responseHeadersSize])));
    await p.goto(new URL(rel, new URL('/', url)).href, { waitUntil: 'load', timeout });
    await p.waitForFunction(() => {
      const d = document.documentElement.dataset;
      // A page without quire's script (the lineage page) is done once loaded.
      return !document.querySelector('script[src*="_quire/"]') || d.quireRuntime === 'static' || d.quireRuntime === 'error' || d.quireWarmMs !== undefined;
    }, null, { timeout });
    const all = await Promise.all(got);
    const bytes = all.filter(([u]) => !u.includes('/_quire/')).reduce((n, [, b]) => n + b, 0);
    visits.push([rel, bytes]);
    await c.close();
  }
  await browser.close();
}
visits.sort((a, b) => b[1] - a[1]);
const s = [...times].sort((a, b) => a - b);
const at = (q, s) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
const w = [...workerTimes].sort((a, b) => a - b);
const p = [...pageTimes].sort((a, b) => a - b);
// The worker's steps over all changes, by kind (plan, fetch, run, render): total ms.
const byKind = {};
for (const [what, ms] of steps.flat()) byKind[what.split(' ')[0]] = (byKind[what.split(' ')[0]] || 0) + ms;
process.stdout.write(JSON.stringify({
  runtime, ready_ms: readyMs, checked_ms: checkedMs, warm_ms: warmMs, wasm_bytes: wasmBytes, pages: visits.length, page_visit_max: visits[0] ?? null, first_visit: firstVisit, transfers, input_ms: times, input_p50_ms: at(0.5, s), input_p95_ms: at(0.95, s),
  worker_ms: workerTimes, worker_p50_ms: at(0.5, w), worker_p95_ms: at(0.95, w),
  read_ms: readMs, page_ms: pageTimes, page_p50_ms: at(0.5, p), page_p95_ms: at(0.95, p), steps, step_totals_ms: byKind, start, states,
  day_ms: days, day_bytes: dayBytes, day_p50_ms: [...days].sort((a, b) => a - b)[Math.floor(days.length / 2)],
  day_p50_bytes: [...dayBytes].sort((a, b) => a - b)[Math.floor(dayBytes.length / 2)], errors,
}) + '\n');
