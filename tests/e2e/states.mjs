#!/usr/bin/env node
// The differential parity check: opens a page once per input state, each given in the URL
// as a reader would share it, and compares every slot the native engine rendered for that
// state (--expected, written by the Rust test from `page_at`) with what the browser's
// runtime shows. Reports JSON on stdout; every off-origin request is blocked.
//
//   node states.mjs --base http://127.0.0.1:PORT/ --expected states.json
//   states.json: [{ "page": "explorer/", "state": "name", "search": "?a=b", "slots": { "3": "<div ...>" } }]
import fs from 'node:fs';
import { driverOptions, launch, slotDiffs, watchedPage } from './browser.mjs';

const { opt, base } = driverOptions({
  expected: { type: 'string' },
  timeout: { type: 'string', default: '60000' },
});
const timeout = parseInt(opt.timeout, 10);
const cases = JSON.parse(fs.readFileSync(opt.expected, 'utf8'));
const browser = await launch(opt.chromium);
const report = { results: [] };
try {
  for (const c of cases) {
    const r = { page: c.page, state: c.state, search: c.search };
    const page = await watchedPage(browser.context, base, r);
    try {
      await page.goto(new URL(c.page + c.search, base).href, { waitUntil: 'load', timeout });
      await page.waitForFunction(() => ['match', 'mismatch', 'ready', 'error'].includes(document.documentElement.dataset.quireRuntime), null, { timeout });
      await page.waitForFunction(() => !document.documentElement.hasAttribute('data-quire-busy'), null, { timeout });
      r.runtime = await page.evaluate(() => document.documentElement.dataset.quireRuntime);
      r.diffs = await slotDiffs(page, c.slots);
    } catch (e) {
      // A state that never settles is a failure of that state, reported with the rest.
      r.runtime = await page.evaluate(() => `${document.documentElement.dataset.quireRuntime}: ${document.documentElement.dataset.quireRuntimeDetail}`).catch(() => 'gone');
      r.diffs = [`${e.name}: ${e.message.split('\n')[0]}`];
    }
    r.slots = Object.keys(c.slots).length;
    report.results.push(r);
    await page.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
