#!/usr/bin/env node
// A templated page, reached as a reader would: open the index of a built Evidence-layout
// site, click a customer in the DataTable, land on that customer's page; then find another
// customer with the search box. Reports JSON on stdout; every off-origin request is blocked.
//
//   node templates.mjs --base http://127.0.0.1:PORT/
import { driverOptions, launch, watchedPage } from './browser.mjs';

const { opt, base } = driverOptions();
const browser = await launch(opt.chromium);
const r = {};
try {
  const page = await watchedPage(browser.context, base, r);
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
  await browser.close();
}
process.stdout.write(JSON.stringify(r, null, 2) + '\n');
