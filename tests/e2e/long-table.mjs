#!/usr/bin/env node
// A table too long for its page: the page holds its first page of rows, and the rest come
// from its row file the first time the reader turns the page, sorts or searches. Reports
// JSON on stdout; every off-origin request is blocked.
//
//   node long-table.mjs --base http://127.0.0.1:PORT/
import { driverOptions, launch, watchedPage } from './browser.mjs';

const { opt, base } = driverOptions();
const browser = await launch(opt.chromium);
const r = { rowFiles: 0 };
try {
  const page = await watchedPage(browser.context, base, r);
  page.on('request', (q) => { if (q.url().includes('/data/rows.')) r.rowFiles += 1; });
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
  // A table whose every row is in the document (under 1,000): its pages turn in place.
  const small = page.locator('[data-component="DataTable"]').nth(1);
  const smallRows = () => small.evaluate((t) => [...t.querySelectorAll('tbody tr')]
    .filter((tr) => getComputedStyle(tr).display !== 'none').map((tr) => tr.cells[1].textContent.trim()));
  const smallCount = () => small.locator('.q-table-count').textContent();
  r.small = { count: await smallCount(), first: (await smallRows())[0], nextEnabled: await small.locator('.q-page-next').isEnabled() };
  await small.locator('.q-page-next').click();
  r.small.next = { count: await smallCount(), rows: await smallRows() };
  await small.locator('.q-page-next').click();
  r.small.last = { count: await smallCount(), nextEnabled: await small.locator('.q-page-next').isEnabled() };
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(r, null, 2) + '\n');
