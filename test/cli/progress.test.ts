import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colourEnabled, paintFor } from '../../src/cli/colour.js';
import type { ProgressFrame } from '../../src/cli/live-figures.js';
import { renderBlock, renderLine } from '../../src/cli/progress.js';

const AGENTS = Array.from({ length: 40 }, (_, i) => `agent-${40 - i}`);
const plain = paintFor({ isTTY: false }, {});
const colour = paintFor({ isTTY: true }, { TERM: 'xterm-256color' });

function frame(withInterval: boolean, errors: Record<string, number> = {}): ProgressFrame {
  return {
    now: {
      elapsedMs: 12_400,
      totalMs: 30_000,
      phase: 'steady',
      targetRate: 4000,
      inFlight: 420,
      activeAgents: AGENTS,
    },
    ...(withInterval
      ? {
          last: {
            startMs: 11_000,
            endMs: 12_000,
            achievedRate: 3987,
            p50Ms: 104,
            p99Ms: 161,
            worstAgent: { name: 'agent-17', p99Ms: 480 },
            errors,
            lateStarts: 0,
          },
        }
      : {}),
    run: { sent: 41_000, replies: 40_580, errors: 3, lateStarts: 12, maxSlipMs: 8.5 },
  };
}

test('before the first interval closes nothing is shown as measured (no "achieved 0/s")', () => {
  const text = renderBlock(frame(false), 79, plain);
  assert.doesNotMatch(text, /achieved/);
  assert.match(text, /no interval closed yet/);
  assert.doesNotMatch(renderLine(frame(false)), /achieved/);
});

test('at 80 columns with 40 agents the block is four rows that fit, agents in natural order', () => {
  const text = renderBlock(frame(true), 79, plain);
  const rows = text.split('\n');
  assert.equal(rows.length, 4);
  for (const row of rows) assert.ok(row.length <= 79, `${row.length} > 79: ${row}`);
  assert.match(rows[1]!, /agents 40: agent-1, agent-2, … \+38$/);
  // Each row keeps one time base: now / the interval 11–12 s / the run so far.
  assert.match(rows[1]!, /^now\s+target 4000\/s\s+in flight 420/);
  assert.match(rows[2]!, /^11–12s\s+achieved 3987\/s\s+p50 104ms\s+p99 161ms\s+worst agent-17 480ms/);
  assert.match(rows[3]!, /^run\s+41000 sent\s+40580 replies\s+errors 3\s+late starts 12 \(max slip 8\.5ms\)/);
});

test('errors are red on a colour terminal, plain without one', () => {
  const bad = frame(true, { pta_timeout: 7 });
  assert.match(renderBlock(bad, 200, colour), /\x1b\[1;31m {2}errors pta_timeout 7\x1b\[39;22m/);
  assert.doesNotMatch(renderBlock(bad, 200, plain), /\x1b\[/);
});

test('colour follows NO_COLOR, FORCE_COLOR, TERM=dumb and whether the stream is a terminal', () => {
  assert.equal(colourEnabled({ isTTY: true }, {}), true);
  assert.equal(colourEnabled({ isTTY: false }, {}), false);
  assert.equal(colourEnabled({ isTTY: true }, { NO_COLOR: '1' }), false);
  assert.equal(colourEnabled({ isTTY: true }, { NO_COLOR: '' }), true);
  assert.equal(colourEnabled({ isTTY: true }, { TERM: 'dumb' }), false);
  assert.equal(colourEnabled({ isTTY: false }, { FORCE_COLOR: '1' }), true);
  assert.equal(colourEnabled({ isTTY: true }, { FORCE_COLOR: '0' }), false);
  assert.equal(paintFor({ isTTY: true }, {}).pass('PASS'), '\x1b[1;32mPASS\x1b[39;22m');
  assert.equal(paintFor({ isTTY: true }, { NO_COLOR: 'x' }).fail('FAIL'), 'FAIL');
});
