#!/usr/bin/env node
// Time from navigation to the first chart on screen, on a built quire page: a fresh
// Chromium profile each run; quire's charts are pre-rendered SVG in the HTML, so the first
// chart is on screen at first-contentful-paint. Prints JSON: { runs, median_ms, fcp_ms }.
//   node first-chart.mjs URL [RUNS]
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [url, runsArg] = process.argv.slice(2);
const runs = parseInt(runsArg || '7', 10);
const fcp = [];
for (let i = 0; i < runs; i++) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-fc-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update'],
  });
  const page = await ctx.newPage();
  await page.goto(url, { waitUntil: 'load' });
  const t = await page.evaluate(() => new Promise((resolve) => {
    const done = () => {
      const paint = performance.getEntriesByName('first-contentful-paint')[0];
      if (!paint) return setTimeout(done, 20);
      resolve({ fcp: paint.startTime, charts: document.querySelectorAll('figure.q-chart svg').length });
    };
    done();
  }));
  if (!t.charts) throw new Error(`no chart on ${url}`);
  fcp.push(t.fcp);
  await ctx.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
const s = [...fcp].sort((a, b) => a - b);
const median = s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
process.stdout.write(JSON.stringify({ runs, median_ms: median, fcp_ms: fcp }) + '\n');
