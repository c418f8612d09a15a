#!/usr/bin/env node
// Results too large for the build's CSV files: a click on the download link of one that
// reads no input shows a note; one that reads an input downloads the CSV the engine makes
// in the page, for the state in the URL. Reports JSON on stdout (each download's line count
// and first line); every off-origin request is blocked.
//
//   node downloads.mjs --base http://127.0.0.1:PORT/
import fs from 'node:fs';
import { driverOptions, launch, watchedPage } from './browser.mjs';

const { opt, base } = driverOptions();
const browser = await launch(opt.chromium);
const r = {};
async function csv(page, query) {
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 120000 }),
    page.locator(`a.q-downloaddata[data-query="${query}"]`).click(),
  ]);
  const text = fs.readFileSync(await download.path(), 'utf8');
  const lines = text.split('\r\n').filter((l) => l !== '');
  return { name: download.suggestedFilename(), lines: lines.length, first: lines[0], second: lines[1] };
}
try {
  const page = await watchedPage(browser.context, base, r);
  await page.goto(base.href, { waitUntil: 'load' });
  await page.locator('a.q-downloaddata[data-query="everything"]').click();
  r.note = (await page.locator('.q-download-note').first().textContent({ timeout: 10000 })).trim();
  r.url = page.url();
  r.initial = await csv(page, 'above');
  await page.goto(new URL('?floor=5000', base).href, { waitUntil: 'load' });
  r.floor = await csv(page, 'above');
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(r, null, 2) + '\n');
