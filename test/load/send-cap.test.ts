import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heldBackNotes, PauseLog } from '../../src/load/held-back.js';
import { SendCap, sendCapFor } from '../../src/load/worker/send-cap.js';
import type { WorkerResult } from '../../src/load/worker-protocol.js';

test('a cap split across workers never adds up to more than the cap', () => {
  for (const cap of [0.5, 1, 3, 7.5, 20, 21, 100]) {
    for (const workers of [1, 2, 3, 4, 7, 64]) {
      const specs = Array.from({ length: workers }, (_, i) => sendCapFor(cap, workers, i));
      const windowMs = specs[0]!.windowMs;
      assert.ok(specs.every((s) => s.windowMs === windowMs && s.perWindow >= 1));
      const total = specs.reduce((a, s) => a + s.perWindow, 0);
      assert.ok(
        total <= (cap * windowMs) / 1000 + 1e-9,
        `cap ${cap}, ${workers} workers: ${total} per ${windowMs} ms`,
      );
      if (windowMs === 1000) assert.equal(total, Math.floor(cap), 'and uses all of it');
    }
  }
});

test('SendCap allows at most perWindow sends in any window, however the arrivals bunch', () => {
  const cap = new SendCap({ perWindow: 5, windowMs: 1000 });
  const sent: number[] = [];
  // Arrivals in a clump every 10 ms for 3 s: far more than the cap.
  for (let t = 0; t < 3000; t += 10) if (cap.tryTake(t)) sent.push(t);
  for (let i = 0; i + 5 < sent.length; i++) {
    assert.ok(sent[i + 5]! - sent[i]! >= 1000, `6 sends within one window at ${sent[i]} ms`);
  }
  assert.equal(sent.length, 15, 'and the full 5/s gets through');
});

test('pauses on 429: overlapping ones count once, time paused is their union cut at the end', () => {
  const log = new PauseLog();
  log.add(1000, 3000);
  log.add(1500, 3500);
  log.add(5000, 6000);
  log.add(9000, 20_000);
  assert.deepEqual(log.summary(10_000), { pauses: 3, pausedMs: 2500 + 1000 + 1000 });
});

test('held-back notes say why scheduled sign-ins were not sent, and nothing when all were', () => {
  const r = (paused: number, paced: number, capped: number): WorkerResult => ({
    workerId: 0,
    sent: 10,
    completed: 10,
    abandoned: 0,
    skipped: paused + paced + capped,
    skippedBy: { paused, paced, capped },
    lastIndex: 3,
  });
  assert.deepEqual(heldBackNotes({ pauses: 0, pausedMs: 0 }, [r(0, 0, 0)]), []);
  const notes = heldBackNotes({ pauses: 2, pausedMs: 3000 }, [r(4, 1, 0), r(3, 0, 2)]);
  assert.equal(notes.length, 3);
  assert.match(notes[0]!, /paused 2 time\(s\) for 3\.0 s .* 7 scheduled sign-in\(s\) were skipped/);
  assert.match(notes[1]!, /pacing: 1 /);
  assert.match(notes[2]!, /rate cap: 2 /);
});
