// Opens a generated index.html in headless Chromium (Debian's `chromium`; .ci/run installs it) and checks that it
// renders as a reader would see it: every chart drawn with marks, no console errors, no network requests.
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../src/report/build.js';
import { loadReportInputs } from '../src/report/inputs.js';
import { writeReport } from '../src/report/write.js';
import { repoRoot, scratchDir } from './helpers/images.js';
import { buildReportFixture } from './helpers/report-fixture.js';
import { optionalTool, titled } from './helpers/optional.js';

const CHROMIUM = '/usr/bin/chromium';
const browserTool = optionalTool('chromium', () =>
  existsSync(CHROMIUM)
    ? null
    : `${CHROMIUM} is missing: install it with "apt-get install -y chromium" (.ci/run does this)`,
);

const scratch = scratchDir('report-browser');
const outDir = join(repoRoot, 'test-output', 'report-browser');
let browser: Browser | undefined;
let expectedCharts = 0;

beforeAll(async () => {
  if (!browserTool.available) return;
  const fx = await buildReportFixture(scratch.dir, 8);
  const report = buildReport(await loadReportInputs(fx.store, [fx.robustness.run.id, fx.fpr.run.id]));
  fx.store.close();
  expectedCharts = report.sections.flatMap((s) => s.blocks).filter((b) => b.kind === 'chart').length;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await writeReport(report, outDir, ['html']);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  scratch.cleanup();
});

describe.skipIf(!browserTool.available)(titled('report in a browser', browserTool), () => {
  it('renders every chart with marks, logs no console errors and makes no network requests', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(join(outDir, 'index.html')).href;
    await page.goto(url, { waitUntil: 'load' });
    const screenshot = join(outDir, 'index.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);

    const figures = await page.$$eval('figure', (nodes) =>
      nodes.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        const marks = svg
          ? svg.querySelectorAll('g[class*="role-mark"] path, g[class*="role-mark"] rect, g[class*="role-mark"] line')
              .length
          : 0;
        return {
          id: f.id,
          role: svg?.getAttribute('role'),
          label: svg?.getAttribute('aria-labelledby'),
          title: svg?.querySelector('title')?.textContent ?? '',
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          marks,
          caption: f.querySelector('figcaption')?.textContent ?? '',
        };
      }),
    );
    expect(figures).toHaveLength(expectedCharts);
    for (const f of figures) {
      expect(f.role, f.id).toBe('img');
      expect(f.title.length, f.id).toBeGreaterThan(0);
      expect(f.width * f.height, f.id).toBeGreaterThan(100 * 100);
      expect(f.marks, f.id).toBeGreaterThan(0);
      expect(f.caption, f.id).toMatch(/Source: runs? /);
    }
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    await page.close();
  });
});
