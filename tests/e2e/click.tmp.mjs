import { launch } from './browser.mjs';
const [url, out, ...clicks] = process.argv.slice(2);
const b = await launch();
const page = await b.context.newPage();
page.on('console', (m) => console.error('console:', m.type(), m.text()));
page.on('pageerror', (e) => console.error('pageerror', String(e)));
await page.goto(url, { waitUntil: 'networkidle' });
await page.waitForFunction(() => ['match', 'mismatch', 'ready', 'error'].includes(document.documentElement.dataset.quireRuntime), null, { timeout: 60000 });
console.log('runtime', await page.evaluate(() => document.documentElement.dataset.quireRuntime + ' ' + document.documentElement.dataset.quireRuntimeDetail));
for (const sel of clicks) {
  const n = await page.evaluate(() => document.documentElement.dataset.quireUpdates || '0');
  await page.locator(sel).first().click();
  await page.waitForFunction((n) => (document.documentElement.dataset.quireUpdates || '0') !== n && !document.documentElement.hasAttribute('data-quire-busy'), n, { timeout: 60000 });
  console.log('after', sel, await page.evaluate(() => location.search));
}
await page.screenshot({ path: out, fullPage: true });
await b.close();
