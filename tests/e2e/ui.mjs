#!/usr/bin/env node
// The documentation's layout page in Chromium: `<Tabs id=...>` (a URL naming a tab opens
// it; clicking another puts it in the URL, keeping the rest of the URL) and
// `<LastRefreshed printShowDate=false>` (how long ago, when printed); and, on the charts page
// (--filter-page), a heatmap's legend filter. Reports JSON on stdout.
//
//   node ui.mjs --base http://127.0.0.1:PORT/ --page authoring/layout/ --id view --tab table --other Chart
import { driverOptions, launch, watchedPage } from './browser.mjs';

const { opt, base } = driverOptions({
  page: { type: 'string' },
  id: { type: 'string' },
  tab: { type: 'string' },
  other: { type: 'string' },
  'filter-page': { type: 'string' },
});
const browser = await launch(opt.chromium);
const report = {};
try {
  const page = await watchedPage(browser.context, base, report);
  await page.goto(new URL(`${opt.page}?keep=1&${opt.id}=${encodeURIComponent(opt.tab)}`, base).href, { waitUntil: 'load' });
  const tabs = page.locator(`[data-tabs-id="${opt.id}"]`);
  report.opened = await tabs.locator('.q-tab-radio:checked').getAttribute('value');
  report.panelShown = await tabs.locator('.q-tab-panel').evaluateAll((ps) => ps.filter((p) => getComputedStyle(p).display !== 'none').map((p) => p.getAttribute('aria-label')));
  const other = await tabs.locator('.q-tab-radio').evaluateAll((rs, v) => rs.find((r) => r.value === v)?.id, opt.other);
  await page.locator(`label[for="${other}"]`).click();
  report.search = await page.evaluate(() => location.search);
  report.refreshed = await page.evaluate(() => {
    const text = () => Array.from(document.querySelectorAll('.q-lastrefreshed time'), (t) => t.textContent);
    const screen = text();
    dispatchEvent(new Event('beforeprint'));
    const print = text();
    dispatchEvent(new Event('afterprint'));
    return { screen, print, after: text() };
  });
  // A heatmap's legend filter: the upper handle to the bottom dims every cell but the
  // smallest; back to the top, none.
  await page.goto(new URL(opt['filter-page'], base).href, { waitUntil: 'load' });
  const fig = page.locator('figure.q-heatmap:has(.q-range-filter)').first();
  await fig.scrollIntoViewIfNeeded();
  report.filter = await fig.evaluate(async (f) => {
    const hi = f.querySelector('.q-filter-hi');
    const cells = f.querySelectorAll('[data-v]').length;
    const set = (v) => { hi.value = v; hi.dispatchEvent(new Event('input', { bubbles: true })); };
    set(hi.min);
    const min = Math.min(...Array.from(f.querySelectorAll('[data-v]'), (m) => Number(m.dataset.v)));
    const lowest = Array.from(f.querySelectorAll('[data-v]')).filter((m) => Number(m.dataset.v) === min).length;
    const dimmed = f.querySelectorAll('.q-filtered-out').length;
    const opacity = getComputedStyle(f.querySelector('.q-filtered-out')).opacity;
    set(hi.max);
    return { cells, lowest, dimmed, opacity, after: f.querySelectorAll('.q-filtered-out').length };
  });
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
