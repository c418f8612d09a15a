#!/usr/bin/env node
// The explorer page as a first-time reader meets it, for benches/scale.sh: a fresh Chromium
// profile, then what the visit transferred (besides quire's runtime under _quire/, which a
// host caches for every page), the time until the engine is ready, and the time each of
// INPUTS input changes takes until its slots are redrawn (a category, then a channel, in
// turn), and then of five other days (each fetching that day's rows). Prints JSON.
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
await page.waitForFunction(() => ['match', 'mismatch', 'ready', 'error'].includes(document.documentElement.dataset.quireRuntime), null, { timeout });
const readyMs = Date.now() - started;
const runtime = await page.evaluate(() => document.documentElement.dataset.quireRuntime);
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
  workerTimes.push(await page.evaluate(() => parseInt(document.documentElement.dataset.quireWorkerMs || '-1', 10)));
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
await ctx.close();
fs.rmSync(profile, { recursive: true, force: true });
const s = [...times].sort((a, b) => a - b);
const at = (q, s) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
const w = [...workerTimes].sort((a, b) => a - b);
process.stdout.write(JSON.stringify({
  runtime, ready_ms: readyMs, first_visit: firstVisit, transfers, input_ms: times, input_p50_ms: at(0.5, s), input_p95_ms: at(0.95, s),
  worker_ms: workerTimes, worker_p50_ms: at(0.5, w), worker_p95_ms: at(0.95, w),
  day_ms: days, day_bytes: dayBytes, day_p50_ms: [...days].sort((a, b) => a - b)[Math.floor(days.length / 2)],
  day_p50_bytes: [...dayBytes].sort((a, b) => a - b)[Math.floor(dayBytes.length / 2)], errors,
}) + '\n');
