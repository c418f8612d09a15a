#!/usr/bin/env node
// Clicks through a page as a reader would and, after each click, compares every slot the
// native engine rendered for the state the click leads to (--expected, written by the Rust
// test from `page_at`) with what the browser shows. Reports JSON on stdout; every
// off-origin request is blocked.
//
//   node clicks.mjs --base http://127.0.0.1:PORT/ --expected clicks.json [--page PATH]
//   clicks.json: [{ "click": "css selector", "slots": { "3": "<div ...>" } }]
//   ("slots": "initial": the slots of the step before, as the page showed them on load: a
//   click back to the page's defaults, which the native render has no slots for.)
import fs from 'node:fs';
import { driverOptions, launch, slotDiffs, watchedPage } from './browser.mjs';

const { opt, base } = driverOptions({
  page: { type: 'string', default: '' },
  expected: { type: 'string' },
  timeout: { type: 'string', default: '60000' },
});
const timeout = parseInt(opt.timeout, 10);
const steps = JSON.parse(fs.readFileSync(opt.expected, 'utf8'));
const browser = await launch(opt.chromium);
const report = { steps: [] };
try {
  const page = await watchedPage(browser.context, base, report);
  await page.goto(new URL(opt.page, base).href, { waitUntil: 'load', timeout });
  await page.waitForFunction(() => ['match', 'mismatch', 'ready', 'error'].includes(document.documentElement.dataset.quireRuntime), null, { timeout });
  report.runtime = await page.evaluate(() => document.documentElement.dataset.quireRuntime);
  const initial = await page.evaluate(() => Object.fromEntries(Array.from(document.querySelectorAll('[data-q]'), (e) => [e.dataset.q, e.outerHTML])));
  let previous = {};
  for (const step of steps) {
    if (step.slots === 'initial') step.slots = Object.fromEntries(Object.keys(previous).map((i) => [i, initial[i]]));
    previous = step.slots;
    const r = { click: step.click };
    try {
      const before = await page.evaluate(() => document.documentElement.dataset.quireUpdates || '0');
      await page.locator(step.click).first().click({ timeout });
      await page.waitForFunction((n) => (document.documentElement.dataset.quireUpdates || '0') !== n
        && !document.documentElement.hasAttribute('data-quire-busy'), before, { timeout });
      r.search = await page.evaluate(() => location.search);
      r.diffs = await slotDiffs(page, step.slots);
    } catch (e) {
      r.diffs = [`${e.name}: ${e.message.split('\n')[0]}`];
    }
    r.slots = Object.keys(step.slots).length;
    report.steps.push(r);
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
