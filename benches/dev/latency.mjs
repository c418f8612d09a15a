#!/usr/bin/env node
// Time from saving a file to the new content in the browser's DOM, against a running
// `quire dev`: RUNS prose edits (a sentence; no query runs) and RUNS query edits (a query
// over the orders table changes; it runs again), alternating. Saves are made as editors
// make them (write a temporary file, rename it over the page). The time taken is when a
// MutationObserver, installed in every page before it loads, first sees the new text in
// the DOM (wall clock, the same as this script's); Playwright's own wait only confirms it.
// Prints JSON.
//
//   node latency.mjs --base http://127.0.0.1:PORT/ --project DIR [--runs 20]
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: opt } = parseArgs({
  options: {
    base: { type: 'string' },
    project: { type: 'string' },
    runs: { type: 'string', default: '20' },
    chromium: { type: 'string', default: process.env.CHROMIUM || '/usr/bin/chromium' },
  },
});
const runs = parseInt(opt.runs, 10);
const pagePath = path.join(opt.project, 'pages/index.md');
const original = fs.readFileSync(pagePath, 'utf8');
const probe = (prose, offset) => `${original}

Bench marker ${prose}.

\`\`\`sql bench_probe
select 'probe-' || cast(count(distinct state) + ${offset} as varchar) as n from orders.orders
\`\`\`

Query marker {bench_probe[0].n}.
`;
function save(text) {
  fs.writeFileSync(pagePath + '.tmp~', text);
  fs.renameSync(pagePath + '.tmp~', pagePath);
}

const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-dev-bench-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: opt.chromium,
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
});
await context.addInitScript(() => {
  const expected = localStorage.getItem('quire-bench-expect');
  if (!expected) return;
  const seen = () => {
    if (document.documentElement && document.documentElement.textContent.includes(expected)) {
      localStorage.setItem('quire-bench-seen', String(performance.timeOrigin + performance.now()));
      observer.disconnect();
      return true;
    }
    return false;
  };
  const observer = new MutationObserver(seen);
  if (!seen()) observer.observe(document, { childList: true, subtree: true, characterData: true });
});
const page = context.pages()[0] || await context.newPage();
const shows = (text) => page.waitForFunction((t) => document.body && document.body.innerText.includes(t), text, { timeout: 30000, polling: 'raf' });

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const result = { prose: [], query: [] };
try {
  let prose = 0;
  let offset = 0;
  save(probe(prose, offset));
  await new Promise((r) => setTimeout(r, 1500));
  await page.goto(opt.base);
  await shows(`Bench marker ${prose}.`);
  await page.waitForTimeout(500);
  for (let i = 0; i < runs; i++) {
    for (const kind of ['prose', 'query']) {
      if (kind === 'prose') prose += 1; else offset += 1;
      const expected = kind === 'prose' ? `Bench marker ${prose}.` : `Query marker probe-${50 + offset}.`;
      await page.evaluate((e) => { localStorage.setItem('quire-bench-expect', e); localStorage.removeItem('quire-bench-seen'); }, expected);
      const t0 = performance.timeOrigin + performance.now();
      save(probe(prose, offset));
      await shows(expected);
      const seen = Number(await page.evaluate(() => localStorage.getItem('quire-bench-seen')));
      if (!seen) throw new Error(`the observer did not see ${expected}`);
      result[kind].push(Math.round(seen - t0));
      await page.waitForTimeout(250);
    }
  }
} finally {
  save(original);
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
const summary = (xs) => ({ median: median(xs), min: Math.min(...xs), max: Math.max(...xs), runs: xs.length, all: xs });
process.stdout.write(JSON.stringify({ prose: summary(result.prose), query: summary(result.query) }, null, 2) + '\n');
