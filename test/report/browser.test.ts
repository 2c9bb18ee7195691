import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { parseThreshold } from '../../src/profile/thresholds.js';
import { rebuildReports } from '../../src/report/rebuild.js';
import { RESULTS_FILES } from '../../src/results/run-info.js';
import { ResultsWriter } from '../../src/results/writer.js';
import { findChromium, launchChromium, NO_CHROMIUM, openFilePage } from '../helpers/browser.js';
import { ROOT } from '../helpers/cli.js';
import { INTERVALS, syntheticRun } from './fixture.js';

const chromium = findChromium();

test('report.html opens from disk in a real browser: charts with the run’s data, no errors, no network', {
  skip: chromium ? false : NO_CHROMIUM,
}, async () => {
  const root = await mkdtemp(join(tmpdir(), 'ptaload-browser-'));
  const browser = await launchChromium(chromium!);
  try {
    const synthetic = syntheticRun({ status: 'running' });
    const writer = await ResultsWriter.create(root, synthetic.run);
    for (const { record, histograms } of synthetic.intervals) await writer.appendInterval(record, histograms);
    const thresholds = ['p99 < 1s', 'each-agent: p99 < 800ms', 'error_rate < 5%', 'throughput >= 95%'].map(
      (t) => {
        const parsed = parseThreshold(t);
        assert.ok(parsed.ok);
        return parsed.threshold;
      },
    );
    await writer.updateRun({ status: 'completed', endedAt: '2026-11-25T12:00:41.000Z' });
    const summary = await rebuildReports(root, thresholds);

    const { page, errors, requests } = await openFilePage(browser, join(root, RESULTS_FILES.html));
    const url = pathToFileURL(join(root, RESULTS_FILES.html)).href;

    const charts = await page.$$eval('svg[data-chart]', (svgs) =>
      svgs.map((svg) => ({
        id: svg.getAttribute('data-chart'),
        data: JSON.parse(svg.getAttribute('data-points') ?? '{}') as {
          series: { name: string; points: [number, number | null][] }[];
        },
        lines: svg.querySelectorAll('path.line').length,
        width: svg.getBoundingClientRect().width,
        height: svg.getBoundingClientRect().height,
      })),
    );
    assert.deepEqual(
      charts.map((c) => c.id),
      ['throughput', 'latency', 'agent-p99', 'agent-throughput', 'distribution', 'outcomes'],
    );
    for (const c of charts) {
      assert.ok(c.width > 600 && c.height > 150, `${c.id} is drawn at a readable size`);
      assert.equal(c.lines, c.data.series.length, `${c.id}: one line per series`);
    }
    const throughput = charts[0]!.data.series;
    assert.deepEqual(
      throughput.find((s) => s.name.startsWith('achieved'))!.points,
      synthetic.intervals.map((i) => [i.record.startMs / 1000, i.record.completed / 1]),
    );
    assert.deepEqual(
      throughput.find((s) => s.name === 'target rate')!.points,
      synthetic.intervals.map((i) => [i.record.startMs / 1000, i.record.targetRate]),
    );
    const achievedPath = await page.$eval('svg[data-chart="throughput"] path.line[data-series="1"]', (p) =>
      p.getAttribute('d'),
    );
    assert.equal(achievedPath?.match(/[ML]/g)?.length, INTERVALS, 'one vertex per interval');

    const kpi = await page.$eval('#kpis', (el) => el.textContent ?? '');
    assert.ok(kpi.includes(summary.requests.completed.toLocaleString('en-US')));
    const markers = await page.$$eval('svg[data-chart="throughput"] g.marker', (g) => g.length);
    assert.equal(markers, 1, 'the crash is marked');

    // The legend script runs under the report's CSP: clicking a key hides its series.
    await page.click('#chart-latency .key[data-series="3"]');
    const hidden = await page.$eval('svg[data-chart="latency"] path.line[data-series="3"]', (p) =>
      p.classList.contains('off'),
    );
    assert.equal(hidden, true);
    await page.click('#chart-latency .key[data-series="3"]');

    await mkdir(join(ROOT, 'test/artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test/artifacts/report.png'), fullPage: true });

    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [url], 'the only request is the file itself');
  } finally {
    await browser.close();
    await rm(root, { recursive: true, force: true });
  }
});
