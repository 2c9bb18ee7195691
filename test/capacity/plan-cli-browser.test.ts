import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { buildPlan } from '../../src/capacity/plan-build.js';
import { readPlanInputs } from '../../src/capacity/plan-inputs.js';
import { PLAN_FILES, writePlan } from '../../src/capacity/plan-write.js';
import { uslThroughput } from '../../src/capacity/usl-fit.js';
import { parseRequest } from '../../src/cli/plan.js';
import { findChromium, launchChromium, NO_CHROMIUM, openFilePage } from '../helpers/browser.js';
import { tempDir } from '../helpers/tmp.js';
import { writeSweep } from './plan-cli-fixture.js';

const chromium = findChromium();

test('plan.html opens from disk: the capacity curve with the knees, a read-out in agents, no errors, no network', {
  skip: chromium ? false : NO_CHROMIUM,
}, async () => {
  const dir = await tempDir();
  const truth = { lambda: 340, sigma: 0.05, kappa: 0.002 };
  const counts = [1, 2, 4];
  await writeSweep(
    dir,
    counts.map((agents) => ({ agents, kneePerS: Math.round(uslThroughput(truth, agents)) })),
  );
  const doc = buildPlan(
    await readPlanInputs([dir]),
    parseRequest({ peak: '1200/s', redundancy: 'N+1', headroom: '25%' }),
    { at: new Date(), version: '0.1.0' },
  );
  await writePlan(dir, doc);
  const browser = await launchChromium(chromium!);
  try {
    const { page, errors, requests } = await openFilePage(browser, join(dir, PLAN_FILES.html));
    const url = pathToFileURL(join(dir, PLAN_FILES.html)).href;

    const svg = page.locator('svg[data-chart="capacity"]');
    // The chart may sit below the first screenful: hover needs it in view.
    await svg.scrollIntoViewIfNeeded();
    const box = await svg.boundingBox();
    assert.ok(box && box.width > 600 && box.height > 150, 'the curve is drawn at a readable size');
    assert.equal(await page.locator('svg[data-chart="capacity"] g.dots circle').count(), counts.length);
    assert.equal(
      await page.locator('#kpis .kpi .v').first().textContent(),
      String(doc.plan.recommendation.recommendedAgents),
    );

    // Hover over the plot near agent 2 of 1..40: the read-out names agents and shows the fit there.
    const frame = JSON.parse((await svg.getAttribute('data-frame')) ?? '{}') as {
      W: number;
      left: number;
      w: number;
      min: number;
      max: number;
    };
    const vx = frame.left + ((2 - frame.min) / (frame.max - frame.min)) * frame.w;
    await page.mouse.move(box.x + (vx / frame.W) * box.width, box.y + box.height / 2);
    const tip = page.locator('#chart-capacity .tip');
    assert.equal(await tip.locator('.h').textContent(), '2 agents');
    assert.match((await tip.textContent()) ?? '', /linear fit \(measured range 1–4\)/);

    // The legend hides the knees' dots like any other series.
    await page.locator('#chart-capacity .key', { hasText: 'measured knee' }).click();
    assert.equal(await page.locator('svg[data-chart="capacity"] g.dots.off').count(), 1);

    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [url], 'nothing but the file itself is loaded');
  } finally {
    await browser.close();
  }
});
