#!/usr/bin/env node
// Opens pages of a built quire site in headless Chromium and reports, as JSON on stdout,
// what a reader would get: charts, tables, the runtime's self-check, console errors and
// failed or off-origin requests (which are blocked, as they would be on a closed network).
//
//   node check-pages.mjs --base http://127.0.0.1:PORT/ --page "" --page states/ [--shots DIR]
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' },
    page: { type: 'string', multiple: true, default: [''] },
    shots: { type: 'string' },
    timeout: { type: 'string', default: '60000' },
    chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
  },
});
const base = new URL(opt.base);
const timeout = parseInt(opt.timeout, 10);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-e2e-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: opt.chromium,
  headless: true,
  viewport: { width: 1360, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const results = [];
try {
  for (const p of opt.page) {
    const page = await context.newPage();
    const r = { page: p, consoleErrors: [], pageErrors: [], failedRequests: [], offOrigin: [], requests: 0, data: [] };
    // Each request for the site's data (the worker's included): its path, and its Range.
    page.on('request', (q) => {
      const u = new URL(q.url());
      const range = q.headers().range;
      if (u.pathname.includes('/data/')) r.data.push(range ? `${u.pathname} ${range}` : u.pathname);
    });
    page.on('console', (m) => { if (m.type() === 'error') r.consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => r.pageErrors.push(String(e)));
    page.on('requestfailed', (q) => { if (!r.offOrigin.includes(q.url())) r.failedRequests.push(`${q.url()} ${q.failure()?.errorText}`); });
    page.on('response', (s) => { if (s.status() >= 400) r.failedRequests.push(`${s.url()} HTTP ${s.status()}`); });
    await page.route('**/*', (route) => {
      const u = new URL(route.request().url());
      r.requests += 1;
      if (u.origin !== base.origin && u.protocol !== 'data:') { r.offOrigin.push(u.href); return route.abort(); }
      return route.continue();
    });
    const started = Date.now();
    await page.goto(new URL(p, base).href, { waitUntil: 'load', timeout });
    r.loadMs = Date.now() - started;
    Object.assign(r, await page.evaluate(() => ({
      title: document.title,
      h1: document.querySelector('h1')?.textContent ?? null,
      charts: document.querySelectorAll('figure.q-chart svg').length,
      chartMarks: document.querySelectorAll('figure.q-chart svg path, figure.q-chart svg rect, figure.q-chart svg circle, figure.q-chart svg polygon, figure.q-chart svg polyline').length,
      tables: document.querySelectorAll('table.q-table').length,
      values: [...document.querySelectorAll('.q-value')].map((e) => e.textContent.trim()),
    })));
    try {
      await page.waitForFunction(() => ['static', 'match', 'mismatch', 'ready', 'error'].includes(document.documentElement.dataset.quireRuntime), null, { timeout });
      r.runtime = await page.evaluate(() => document.documentElement.dataset.quireRuntime);
      r.runtimeDetail = await page.evaluate(() => document.documentElement.dataset.quireRuntimeDetail);
      r.runtimeMs = Date.now() - started;
    } catch (e) {
      r.runtime = null;
      r.runtimeError = String(e);
    }
    if (opt.shots) {
      fs.mkdirSync(opt.shots, { recursive: true });
      const name = (p.replace(/\/$/, '').replace(/\//g, '_') || 'index') + '.png';
      await page.screenshot({ path: path.join(opt.shots, name), fullPage: true });
    }
    results.push(r);
    await page.close();
  }
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(results, null, 2) + '\n');
