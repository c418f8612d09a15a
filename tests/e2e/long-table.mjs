#!/usr/bin/env node
// A table too long for its page: the page holds its first page of rows, and the rest come
// from its row file the first time the reader turns the page, sorts or searches. Reports
// JSON on stdout; every off-origin request is blocked.
//
//   node long-table.mjs --base http://127.0.0.1:PORT/
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' },
    chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
  },
});
const base = new URL(opt.base);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-e2e-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: opt.chromium,
  headless: true,
  viewport: { width: 1360, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const r = { consoleErrors: [], pageErrors: [], failedRequests: [], offOrigin: [], rowFiles: 0 };
try {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') r.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => r.pageErrors.push(String(e)));
  page.on('response', (s) => { if (s.status() >= 400) r.failedRequests.push(`${s.url()} HTTP ${s.status()}`); });
  page.on('request', (q) => { if (q.url().includes('/data/rows.')) r.rowFiles += 1; });
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.origin !== base.origin) { r.offOrigin.push(u.href); return route.abort(); }
    return route.continue();
  });
  await page.goto(base.href, { waitUntil: 'load' });
  const table = page.locator('[data-component="DataTable"]').first();
  const rows = () => table.evaluate((t) => [...t.querySelectorAll('tbody tr')]
    .filter((tr) => getComputedStyle(tr).display !== 'none')
    .map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  const count = () => table.locator('.q-table-count').textContent();
  r.initial = { rows: await rows(), count: await count(), inDocument: await table.evaluate((t) => t.querySelectorAll('tbody tr').length) };
  await table.locator('.q-page-next').click();
  await page.waitForFunction(() => !document.querySelector('[data-component="DataTable"]').dataset.rows);
  await page.waitForFunction(() => document.querySelector('.q-table-count').textContent.startsWith('11'));
  r.next = { rows: await rows(), count: await count(), inDocument: await table.evaluate((t) => t.querySelectorAll('tbody tr').length) };
  // The amount column, descending: two clicks.
  const header = table.locator('thead th', { hasText: 'Amount' });
  await header.click();
  await header.click();
  r.sorted = { first: (await rows())[0], count: await count() };
  await table.locator('.q-table-search').fill('row-4321');
  await page.waitForFunction(() => document.querySelector('.q-table-count').textContent.includes('of 1'));
  r.search = { rows: await rows(), count: await count() };
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(r, null, 2) + '\n');
