#!/usr/bin/env node
// A templated page, reached as a reader would: open the index of a built Evidence-layout
// site, click a customer in the DataTable, land on that customer's page; then find another
// customer with the search box. Reports JSON on stdout; every off-origin request is blocked.
//
//   node templates.mjs --base http://127.0.0.1:PORT/
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
const r = { consoleErrors: [], pageErrors: [], failedRequests: [], offOrigin: [] };
try {
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') r.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => r.pageErrors.push(String(e)));
  page.on('response', (s) => { if (s.status() >= 400) r.failedRequests.push(`${s.url()} HTTP ${s.status()}`); });
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.origin !== base.origin) { r.offOrigin.push(u.href); return route.abort(); }
    return route.continue();
  });
  await page.goto(base.href, { waitUntil: 'load' });
  // The first row of the customers table links to that customer's page.
  const row = page.locator('[data-component="DataTable"][data-query="customers"] tbody tr').first();
  r.clicked = (await row.locator('td').first().textContent()).trim();
  await Promise.all([page.waitForURL(/customers\//), row.locator('td a').first().click()]);
  r.landedAt = decodeURIComponent(new URL(page.url()).pathname);
  r.h1 = await page.evaluate(() => [...document.querySelectorAll('h1')].map((h) => h.textContent.trim()));
  r.crumbs = await page.evaluate(() => [...document.querySelectorAll('.q-crumbs li')].map((l) => l.textContent.trim()));
  r.bigValues = await page.evaluate(() => [...document.querySelectorAll('.q-bigvalue-value')].map((e) => e.textContent.trim()));
  // Search, offline: the index is a script of the site's own.
  await page.fill('.q-search-input', 'globex');
  await page.waitForSelector('.q-search-results a');
  r.searchHits = await page.evaluate(() => [...document.querySelectorAll('.q-search-results strong')].map((e) => e.textContent));
  await Promise.all([page.waitForURL(/Globex/), page.locator('.q-search-results a').first().click()]);
  r.searchLandedAt = decodeURIComponent(new URL(page.url()).pathname);
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(r, null, 2) + '\n');
