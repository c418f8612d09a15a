#!/usr/bin/env node
// Drives the example's explorer page the way a reader would, with every request off the
// site's origin blocked, and reports as JSON what each step showed, next to what the
// native engine rendered for the same inputs (--expected, written by the Rust test):
//
//   1 category   pick "Computers" in the dropdown
//   2 channel    press "Web" in the button group
//   3 injection  type an SQL injection string into the state filter
//   4 back       history.back(): the view of step 2 again
//   5 reload     open step 2's URL in a fresh tab: the shared view is restored
// then: CSV download of the table, a chart saved as a PNG, a tooltip over a chart, sorting,
// table search; and on step 5's page, the dropdown and a button used from the keyboard.
//
//   node interact.mjs --base http://127.0.0.1:PORT/ --expected expected.json [--shots DIR]
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { slotDiffs } from './browser.mjs';

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' },
    page: { type: 'string', default: 'explorer/' },
    expected: { type: 'string' },
    shots: { type: 'string' },
    timeout: { type: 'string', default: '60000' },
    chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
  },
});
const base = new URL(opt.base);
const timeout = parseInt(opt.timeout, 10);
const expected = JSON.parse(fs.readFileSync(opt.expected, 'utf8'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-e2e-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: opt.chromium,
  headless: true,
  acceptDownloads: true,
  viewport: { width: 1360, height: 900 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const report = { consoleErrors: [], pageErrors: [], failedRequests: [], offOrigin: [], steps: {} };
// Main-thread tasks over 50 ms: queries run in a worker, so input changes should cause none.
await context.addInitScript(() => {
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  // What the page animates while a change is being answered: the properties of every
  // running animation's keyframes (only `transform` and `opacity` leave the page's thread
  // free; anything else is painted again every frame while the worker computes).
  window.__busyAnimated = [];
  new MutationObserver(() => {
    if (!document.documentElement.hasAttribute('data-quire-busy')) return;
    // Style brought up to date first: a CSS animation starts with it.
    void getComputedStyle(document.documentElement, '::before').animationName;
    for (const a of document.getAnimations()) {
      for (const k of a.effect?.getKeyframes?.() || []) {
        for (const p of Object.keys(k)) {
          if (!['offset', 'computedOffset', 'easing', 'composite'].includes(p) && !window.__busyAnimated.includes(p)) window.__busyAnimated.push(p);
        }
      }
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-quire-busy'] });
});
const longTasksSince = (page, t) => page.evaluate((t) => window.__longTasks.filter((e) => e.start >= t).map((e) => Math.round(e.ms)), t);
const pageNow = (page) => page.evaluate(() => performance.now());


async function watch(page) {
  page.on('console', (m) => { if (m.type() === 'error') report.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => report.pageErrors.push(String(e)));
  page.on('requestfailed', (q) => { if (!report.offOrigin.includes(q.url())) report.failedRequests.push(`${q.url()} ${q.failure()?.errorText}`); });
  page.on('response', (s) => { if (s.status() >= 400) report.failedRequests.push(`${s.url()} HTTP ${s.status()}`); });
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.origin !== base.origin && u.protocol !== 'data:' && u.protocol !== 'blob:') { report.offOrigin.push(u.href); return route.abort(); }
    return route.continue();
  });
}

async function ready(page) {
  await page.waitForFunction(() => ['match', 'mismatch', 'ready', 'error'].includes(document.documentElement.dataset.quireRuntime), null, { timeout });
  return page.evaluate(() => document.documentElement.dataset.quireRuntime);
}

const updates = (page) => page.evaluate(() => parseInt(document.documentElement.dataset.quireUpdates || '0', 10));
async function settled(page, before) {
  await page.waitForFunction((n) => parseInt(document.documentElement.dataset.quireUpdates || '0', 10) > n
    && !document.documentElement.hasAttribute('data-quire-busy'), before, { timeout });
}

/** Compare the live slots with the native ones for `step`. */
async function check(page, step) {
  const want = expected[step];
  const r = {
    search: await page.evaluate(() => location.search),
    slots: Object.keys(want).length,
    diffs: await slotDiffs(page, want),
  };
  report.steps[step] = r;
  if (opt.shots) {
    fs.mkdirSync(opt.shots, { recursive: true });
    await page.screenshot({ path: path.join(opt.shots, `explorer-${step}.png`), fullPage: true });
  }
}

try {
  const url = new URL(opt.page, base).href;
  // A reader who picks a category while the engine warms up (right after the first part of
  // the warm-up is asked for) is answered next, before the rest of the warm-up and the
  // check; the page then still checks itself, and shows that category's numbers.
  {
    const early = await context.newPage();
    await watch(early);
    await early.addInitScript(() => {
      window.__replies = [];
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (msg, ...rest) {
        const sent = post.call(this, msg, ...rest);
        try {
          const m = JSON.parse(msg);
          if (m.op === 'warm' && m.part === 0 && !window.__changed) {
            window.__changed = true;
            queueMicrotask(() => {
              const select = document.querySelector('#q-in-category');
              select.value = 'Computers';
              select.dispatchEvent(new Event('change'));
            });
          }
        } catch {}
        return sent;
      };
      const listen = Worker.prototype.addEventListener;
      Worker.prototype.addEventListener = function (type, fn, o) {
        if (type === 'message') {
          const f = fn;
          fn = function (e) {
            try {
              const r = JSON.parse(e.data);
              window.__replies.push(r.op + (r.check ? ' check' : typeof r.part === 'number' ? ` ${r.part}` : ''));
            } catch {}
            return f.call(this, e);
          };
        }
        return listen.call(this, type, fn, o);
      };
    });
    // The page's data asked for (the worker's requests included), to tell what the
    // rehearsal after the check fetches: nothing.
    let dataAsked = 0;
    early.on('request', (q) => { if (new URL(q.url()).pathname.includes('/data/')) dataAsked++; });
    await early.goto(url, { waitUntil: 'load', timeout });
    await ready(early);
    await early.waitForFunction(() => document.documentElement.dataset.quireUpdates !== undefined
      && !document.documentElement.hasAttribute('data-quire-busy'), null, { timeout });
    const askedBefore = dataAsked;
    await check(early, 'early');
    // Then the rehearsal (the live queries again at this state, once the reader has left
    // the inputs alone for a moment): its replies, and the data it asked for.
    await early.waitForFunction(() => document.documentElement.dataset.quireRehearsed !== undefined, null, { timeout });
    report.early = {
      replies: await early.evaluate(() => window.__replies),
      runtime: await early.evaluate(() => document.documentElement.dataset.quireRuntime),
      rehearsalAsked: dataAsked - askedBefore,
    };
    await early.close();
  }

  const page = await context.newPage();
  await watch(page);
  const started = Date.now();
  await page.goto(url, { waitUntil: 'load', timeout });
  report.loadMs = Date.now() - started;
  report.runtime = await ready(page);
  report.readyMs = Date.now() - started;

  report.loadLongTasks = await longTasksSince(page, 0);
  let n = await updates(page);
  let t = Date.now();
  const t0 = await pageNow(page);
  await page.selectOption('#q-in-category', 'Computers');
  await settled(page, n);
  report.categoryMs = Date.now() - t;
  report.categoryLongTasks = await longTasksSince(page, t0);
  report.busyAnimated = await page.evaluate(() => window.__busyAnimated);
  // How many times the page is laid out when the busy bar shows and hides (each brought up
  // to date at once): none, as the bar is always there and only its opacity changes.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const layouts = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'LayoutCount').value;
  await page.evaluate(() => void document.body.offsetHeight);
  const layoutsBefore = await layouts();
  await page.evaluate(() => {
    const d = document.documentElement;
    d.dataset.quireBusy = '';
    void document.body.offsetHeight;
    delete d.dataset.quireBusy;
    void document.body.offsetHeight;
  });
  report.busyLayouts = (await layouts()) - layoutsBefore;
  await cdp.detach();
  await check(page, 'category');

  n = await updates(page);
  await page.click('[data-input="channel"] button[value="Web"]');
  await settled(page, n);
  await check(page, 'channel');
  const shared = page.url();

  n = await updates(page);
  await page.fill('#q-in-state_filter', "' or 1=1 --");
  await settled(page, n);
  await check(page, 'injection');

  n = await updates(page);
  await page.goBack();
  await settled(page, n);
  await check(page, 'back');

  // CSV of the table, at step 2's inputs.
  const table = page.locator('.q-datatable[data-query="category_states"]');
  await table.hover();
  const [download] = await Promise.all([page.waitForEvent('download', { timeout }), table.locator('.q-download').click()]);
  report.csv = fs.readFileSync(await download.path(), 'utf8');
  report.csvName = download.suggestedFilename();

  // The chart saved as a picture: a PNG with the chart's marks in it.
  const chart = page.locator('figure[data-query="channel_mix"]');
  await chart.scrollIntoViewIfNeeded();
  await chart.hover();
  const [picture] = await Promise.all([page.waitForEvent('download', { timeout }), chart.locator('.q-image').click()]);
  const png = fs.readFileSync(await picture.path());
  report.png = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = new OffscreenCanvas(bitmap.width, bitmap.height);
    const g = c.getContext('2d');
    g.drawImage(bitmap, 0, 0);
    const data = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4 * 97) colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return { width: bitmap.width, height: bitmap.height, colours: colours.size };
  }, png.toString('base64'));
  report.png.name = picture.suggestedFilename();
  report.png.signature = png.subarray(1, 4).toString('latin1');

  // A tooltip under the pointer, with the formatted value.
  const mark = page.locator('figure[data-query="channel_mix"] .q-bar').first();
  await mark.scrollIntoViewIfNeeded();
  await page.waitForTimeout(200); // scrolling hides a tooltip; let it settle first
  await mark.hover();
  report.tooltip = await page.evaluate(() => {
    const t = document.querySelector('.q-tip');
    return t && !t.hidden ? t.textContent : null;
  });

  // Sorting and search on the table of every category.
  const all = page.locator('.q-datatable[data-query="categories"]');
  const first = () => all.locator('tbody tr:not(.q-page-hidden) td').first().textContent();
  report.sort = { before: await first() };
  await all.locator('th[data-column="orders"]').click();
  report.sort.ascending = await first();
  await all.locator('th[data-column="orders"]').click();
  report.sort.descending = await first();
  await all.locator('.q-table-search').fill('phone');
  report.search = await all.locator('tbody tr:not(.q-page-hidden)').count();
  await page.close();

  const again = await context.newPage();
  await watch(again);
  await again.goto(shared, { waitUntil: 'load', timeout });
  report.reloadRuntime = await ready(again);
  await check(again, 'reload');
  report.reloadSelected = await again.evaluate(() => [document.querySelector('#q-in-category').value,
    document.querySelector('[data-input="channel"] [aria-pressed="true"]')?.value]);
  // By keyboard: the dropdown, then a button; each keeps the focus after the change it made
  // (its slot is drawn again), so the next key goes on from there.
  const focused = () => again.evaluate(() => {
    const a = document.activeElement;
    return a && a !== document.body ? a.id || a.value || a.tagName : null;
  });
  let k = await updates(again);
  await again.focus('#q-in-category');
  await again.keyboard.press('ArrowDown');
  await settled(again, k);
  report.keyboard = { dropdown: await focused(), category: await again.evaluate(() => document.querySelector('#q-in-category').value) };
  k = await updates(again);
  await again.focus('[data-input="channel"] button[value="Mobile App"]');
  await again.keyboard.press('Enter');
  await settled(again, k);
  report.keyboard.button = await focused();
  report.keyboard.pressed = await again.evaluate(() => document.querySelector('[data-input="channel"] [aria-pressed="true"]')?.value);
  await again.close();
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
