// What every browser driver here shares: Debian's Chromium, headless, with a fresh profile
// and the flags this closed network needs; and a page that records what a reader would
// notice (console errors, page errors, failed requests) and blocks every request that
// leaves the site's origin.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// A driver's command line: `--base URL` (the site), `--chromium PATH`, and its own `more`
// options (as `parseArgs` takes them). Returns the values and the base as a URL.
export function driverOptions(more = {}) {
  const { values: opt } = parseArgs({
    options: { base: { type: 'string' }, chromium: { type: 'string', default: CHROMIUM }, ...more },
  });
  return { opt, base: new URL(opt.base) };
}

// A browser; `close()` also removes its profile.
export async function launch(executablePath = CHROMIUM) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// A new page of `context` that records into `report` (`consoleErrors`, `pageErrors`,
// `failedRequests`, `offOrigin`) and only reaches `base`'s origin.
export async function watchedPage(context, base, report) {
  Object.assign(report, { consoleErrors: [], pageErrors: [], failedRequests: [], offOrigin: [] }, report);
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') report.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => report.pageErrors.push(String(e)));
  page.on('response', (s) => { if (s.status() >= 400) report.failedRequests.push(`${s.url()} HTTP ${s.status()}`); });
  await page.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.origin !== base.origin) { report.offOrigin.push(u.href); return route.abort(); }
    return route.continue();
  });
  return page;
}

// What a slot shows, reduced to what a reader reads: cells, chart marks, paths, values.
const DIGEST = `(el) => {
  const out = [];
  el.querySelectorAll('tbody td').forEach((td) => out.push('td:' + td.textContent.trim()));
  el.querySelectorAll('svg [data-y]').forEach((m) => out.push('mark:' + [m.dataset.series, m.dataset.x, m.dataset.y].join('|')));
  el.querySelectorAll('svg path').forEach((p) => out.push('d:' + p.getAttribute('d')));
  el.querySelectorAll('.q-value').forEach((v) => out.push('value:' + v.textContent.trim()));
  el.querySelectorAll('.q-empty').forEach((v) => out.push('empty:' + v.textContent.trim()));
  el.querySelectorAll('.q-callout, strong').forEach((v) => out.push('text:' + v.textContent.trim()));
  el.querySelectorAll('.q-dims-row').forEach((r) => out.push('grid:' + [r.value, r.getAttribute('aria-pressed'), r.getAttribute('style'), r.textContent].join('|')));
  return out;
}`;

// How the page's slots differ from `want` (slot index → the native render's HTML), each
// reduced by DIGEST: `[{ index, live, native }]`, empty when they agree.
export function slotDiffs(page, want) {
  return page.evaluate(({ want, digest }) => {
    const dig = eval(digest);
    const diffs = [];
    for (const [index, html] of Object.entries(want)) {
      const live = document.querySelector(`[data-q="${index}"]`);
      const tpl = document.createElement('template');
      tpl.innerHTML = html;
      const a = live ? dig(live) : null;
      const b = dig(tpl.content);
      if (JSON.stringify(a) !== JSON.stringify(b)) diffs.push({ index, live: a && a.slice(0, 12), native: b.slice(0, 12) });
    }
    return diffs;
  }, { want, digest: DIGEST });
}
