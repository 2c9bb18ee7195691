import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { rebuildReports } from '../../src/report/rebuild.js';
import { RESULTS_FILES } from '../../src/results/run-info.js';
import { ResultsWriter } from '../../src/results/writer.js';
import { findChromium, launchChromium, NO_CHROMIUM, openFilePage } from '../helpers/browser.js';
import { tempDir } from '../helpers/tmp.js';
import { AGENTS_40, fortyAgentRun, SLOW_AGENT } from './fixture-40.js';

const chromium = findChromium();

test('a 40-agent report in a real browser: heatmaps, hover values, natural order, the degraded agent stands out, no errors, no network', {
  skip: chromium ? false : NO_CHROMIUM,
}, async () => {
  const dir = await tempDir();
  const { run, intervals } = fortyAgentRun();
  const writer = await ResultsWriter.create(dir, run);
  for (const { record, histograms } of intervals) await writer.appendInterval(record, histograms);
  await rebuildReports(dir);
  const browser = await launchChromium(chromium!);
  try {
    const { page, errors, requests } = await openFilePage(browser, join(dir, RESULTS_FILES.html));
    const heatmaps = await page.$$eval('svg[data-heatmap]', (svgs) =>
      svgs.map((s) => s.getAttribute('data-heatmap')),
    );
    assert.deepEqual(heatmaps, ['agent-p99', 'agent-share']);

    // Rows in natural order: agent-2 before agent-10, in the heatmap, the agents table and every legend.
    const rows = await page.$$eval('#heatmap-agent-p99 text.tick:not(.xt)', (t) =>
      t.map((x) => x.textContent),
    );
    assert.deepEqual(rows, AGENTS_40);
    const table = await page.$$eval('#agents tbody tr td:first-child', (t) => t.map((x) => x.textContent));
    assert.deepEqual(table, AGENTS_40);
    const legend = await page.$$eval('#chart-agent-throughput .key', (k) => k.map((x) => x.textContent));
    assert.deepEqual(legend, AGENTS_40);

    // The degraded agent, and it alone, is highlighted in the agents table.
    const outliers = await page.$$eval('#agents tr.outlier td:first-child', (t) =>
      t.map((x) => x.textContent),
    );
    assert.deepEqual(outliers, [SLOW_AGENT]);

    // Hover over agent-17's row late in the run: the read-out names the agent and shows its p99.
    // Mouse events reach only what is in the viewport.
    await page.locator('#heatmap-agent-p99 svg').scrollIntoViewIfNeeded();
    const box = (await page.locator('#heatmap-agent-p99 svg').boundingBox())!;
    const grid = JSON.parse((await page.getAttribute('#heatmap-agent-p99 svg', 'data-grid'))!);
    const row = AGENTS_40.indexOf(SLOW_AGENT);
    const vx = grid.left + grid.w * 0.9;
    const vy = grid.top + (row + 0.5) * grid.rowH;
    await page.mouse.move(box.x + (vx * box.width) / grid.W, box.y + (vy * box.height) / grid.H);
    const tip = page.locator('#heatmap-agent-p99 .tip');
    await tip.waitFor({ state: 'visible' });
    const text = (await tip.textContent()) ?? '';
    assert.match(text, new RegExp(`^${SLOW_AGENT} · `));
    const p99 = /p99([\d.]+) (ms|s)/.exec(text);
    assert.ok(p99, text);
    const seconds = Number(p99[1]) / (p99[2] === 'ms' ? 1000 : 1);
    assert.ok(seconds > 5, `the degraded agent's p99 shows its timeouts: ${text}`);

    // A line chart's hover shows values too, and a legend key toggles its line.
    await page.locator('#chart-agent-throughput svg').scrollIntoViewIfNeeded();
    const chartBox = (await page.locator('#chart-agent-throughput svg').boundingBox())!;
    await page.mouse.move(chartBox.x + chartBox.width * 0.5, chartBox.y + chartBox.height * 0.5);
    const chartTip = page.locator('#chart-agent-throughput .tip');
    await chartTip.waitFor({ state: 'visible' });
    assert.match((await chartTip.textContent()) ?? '', /agent-1\d+(\.\d+)?\/s/);
    await page.click('#chart-agent-throughput .key[data-series="0"]');
    assert.equal(
      await page.$eval('#chart-agent-throughput path.line[data-series="0"]', (p) =>
        p.classList.contains('off'),
      ),
      true,
    );

    // The wall-clock option relabels the time axes in UTC.
    await page.check('#wall-clock');
    const ticks = await page.$$eval('#heatmap-agent-p99 .xt', (t) => t.map((x) => x.textContent));
    assert.equal(ticks[0], '08:00:00');

    assert.deepEqual(errors, []);
    assert.deepEqual(
      requests.filter((u) => !u.startsWith('file:')),
      [],
      'no network requests',
    );
    if (process.env.PTALOAD_SCREENS) {
      await mkdir(process.env.PTALOAD_SCREENS, { recursive: true });
      await page.uncheck('#wall-clock');
      for (const id of ['heatmap-agent-p99', 'heatmap-agent-share', 'chart-agent-throughput', 'agents']) {
        await page
          .locator(`#${id}`)
          .screenshot({ path: join(process.env.PTALOAD_SCREENS, `40-agents-${id}.png`) });
      }
    }
  } finally {
    await browser.close();
  }
});
