#!/usr/bin/env node
// How soon a page's engine answers, for benches/ready.sh: each URL opened RUNS times in turn,
// each time in a fresh headless Chromium profile (nothing cached). For each visit: first
// contentful paint and DOMContentLoaded (from navigation), then when the inputs answer
// (`data-quire-runtime` leaves `loading`) and when the engine has warmed up and checked
// itself against the build (`match`, `mismatch` or `ready`): both in the page, in ms from
// navigation (`answered`, `checkedAt`), and as the driver's wall clock from asking for the
// page (`answers`, `checked`: Playwright's start of the navigation included, as earlier runs
// measured). With FIRST_CHANGE=1, a reader who does not wait: as soon as the inputs answer,
// the page's first dropdown picks another value, and `changed` is when that change's slots
// are in the page (ms from navigation). Prints JSON: per URL, every visit and the medians.
//   node ready.mjs RUNS URL [URL...]
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [runsArg, ...urls] = process.argv.slice(2);
const runs = parseInt(runsArg, 10);
const timeout = 120000;
const firstChange = process.env.FIRST_CHANGE === '1';
const visits = urls.map(() => []);
for (let i = 0; i < runs; i++) {
  for (const [k, url] of urls.entries()) {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-ready-'));
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
    });
    const page = await ctx.newPage();
    // When the page's runtime state first says the inputs answer, and when it is checked,
    // in ms from navigation (the clock of first contentful paint), seen where it happens.
    await page.addInitScript((firstChange) => {
      const seen = (window.__quireSeen = {});
      new MutationObserver(() => {
        const d = document.documentElement?.dataset;
        if (!d) return;
        const s = d.quireRuntime;
        const now = performance.now();
        if (['live', 'match', 'mismatch', 'ready', 'error'].includes(s) && seen.answers === undefined) {
          seen.answers = now;
          const select = firstChange && document.querySelector('[data-input] select');
          if (select && select.options.length > 1) {
            seen.updates = Number(d.quireUpdates || 0);
            select.value = [...select.options].find((o) => o.value !== select.value).value;
            select.dispatchEvent(new Event('change'));
          }
        }
        if (['match', 'mismatch', 'ready', 'error'].includes(s)) seen.checked ??= now;
        if (seen.updates !== undefined && Number(d.quireUpdates || 0) > seen.updates) seen.changed ??= now;
      }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-quire-runtime', 'data-quire-updates'] });
    }, firstChange);
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const started = Date.now();
    await page.goto(url, { waitUntil: 'load', timeout });
    await page.waitForFunction(() => ['live', 'match', 'mismatch', 'ready', 'error'].includes(document.documentElement.dataset.quireRuntime), null, { timeout });
    const answers = Date.now() - started;
    await page.waitForFunction(() => ['match', 'mismatch', 'ready', 'error'].includes(document.documentElement.dataset.quireRuntime)
      && (document.documentElement.dataset.quireWarmMs !== undefined || document.documentElement.dataset.quireRuntime === 'error'), null, { timeout });
    const checked = Date.now() - started;
    if (firstChange) await page.waitForFunction(() => window.__quireSeen.changed !== undefined, null, { timeout });
    const o = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      dcl: performance.getEntriesByType('navigation')[0].domContentLoadedEventStart,
      state: document.documentElement.dataset.quireRuntime,
      seen: window.__quireSeen,
    }));
    visits[k].push({
      fcp: Math.round(o.fcp), dcl: Math.round(o.dcl), answers, checked,
      answered: Math.round(o.seen.answers ?? -1), checkedAt: Math.round(o.seen.checked ?? -1), state: o.state, errors,
      ...(firstChange ? { changed: Math.round(o.seen.changed ?? -1) } : {}),
    });
    await ctx.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor((s.length - 1) / 2)]; };
process.stdout.write(JSON.stringify(urls.map((url, k) => ({
  url,
  visits: visits[k],
  median: Object.fromEntries(['fcp', 'dcl', 'answers', 'checked', 'answered', 'checkedAt', ...(firstChange ? ['changed'] : [])]
    .map((m) => [m, median(visits[k].map((v) => v[m]))])),
})), null, 2) + '\n');
