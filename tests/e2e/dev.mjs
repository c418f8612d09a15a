#!/usr/bin/env node
// The author's loop against a running `quire dev`, in headless Chromium with every
// request off the site's origin blocked. Edits the project's files on disk, the way an
// editor saves them, and reports as JSON what the open page did:
//
//   prose   scroll down, change a sentence: the page reloads by itself at the same scroll
//   broken  break a query: an overlay names file:line:col over the last good page
//   fixed   fix it: the overlay goes away and the new version shows
//   fresh   open an address with no page (404), then create the page: it appears
//
//   node dev.mjs --base http://127.0.0.1:PORT/ --project DIR
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' },
    project: { type: 'string' },
    timeout: { type: 'string', default: '20000' },
    chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
  },
});
const base = new URL(opt.base);
const timeout = parseInt(opt.timeout, 10);
const file = (rel) => path.join(opt.project, rel);
// Save as editors do: write a temporary file, then rename it over the page.
function save(rel, text) {
  const tmp = file(rel) + '.tmp~';
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file(rel));
}
function edit(rel, from, to) {
  const text = fs.readFileSync(file(rel), 'utf8');
  if (!text.includes(from)) throw new Error(`${rel} does not contain ${from}`);
  save(rel, text.replace(from, to));
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-dev-e2e-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: opt.chromium,
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const report = { consoleErrors: [], pageErrors: [], offOrigin: [], steps: {} };
await context.route('**/*', (route) => {
  const url = new URL(route.request().url());
  if (url.origin !== base.origin) {
    report.offOrigin.push(url.href);
    return route.abort();
  }
  return route.continue();
});
const page = context.pages()[0] || await context.newPage();
page.on('console', (m) => {
  // A 404 is what the fresh step asks for; Chromium logs it as a failed resource.
  if (m.type() === 'error' && !/404/.test(m.text())) report.consoleErrors.push(m.text());
});
page.on('pageerror', (e) => report.pageErrors.push(String(e)));

const has = (text) => page.waitForFunction((t) => document.body && document.body.innerText.includes(t), text, { timeout, polling: 50 })
  .then(() => true, () => false);
const overlayText = () => page.evaluate(() => {
  const o = document.getElementById('quire-dev-overlay');
  return o && o.style.display !== 'none' ? o.shadowRoot.querySelector('.panel').innerText : null;
});

try {
  await page.goto(new URL('./', base).href);
  if (!(await has('Intro text'))) throw new Error('the first page did not show');
  // Wait for the dev client's socket before editing.
  await page.waitForTimeout(300);

  // 1. Prose, far down the page.
  await page.evaluate(() => window.scrollTo(0, 1500));
  await page.waitForTimeout(100);
  const scrollBefore = await page.evaluate(() => window.scrollY);
  edit('pages/index.md', 'Closing words.', 'Closing words, edited once.');
  const shown = await has('edited once');
  await page.waitForLoadState('load');
  await page.waitForTimeout(200);
  report.steps.prose = { shown, scrollBefore, scrollAfter: await page.evaluate(() => window.scrollY) };

  // 2. A broken query.
  edit('pages/index.md', 'from shop.orders group by channel', 'from shop.nope group by channel');
  let text = null;
  try {
    await page.waitForFunction(() => !!document.getElementById('quire-dev-overlay'), null, { timeout, polling: 50 });
    text = await overlayText();
  } catch { /* reported below */ }
  report.steps.broken = {
    overlay: !!text,
    text,
    lastGood: await page.evaluate(() => document.body.innerText.includes('edited once')),
  };

  // 3. Fixed, with new prose.
  edit('pages/index.md', 'from shop.nope group by channel', 'from shop.orders group by channel');
  edit('pages/index.md', 'edited once', 'edited twice');
  const fixedShown = await has('edited twice');
  await page.waitForTimeout(200);
  report.steps.fixed = { shown: fixedShown, overlay: !!(await overlayText()) };

  // 4. A page that does not exist yet.
  const response = await page.goto(new URL('./fresh/', base).href);
  const status = response.status();
  await page.waitForTimeout(300);
  save('pages/fresh.md', '---\ntitle: Fresh\n---\n\nBrand new page, made while it was open.\n');
  report.steps.fresh = { status, shown: await has('Brand new page') };
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
