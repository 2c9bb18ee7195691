import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { runLoad } from '../../src/load/coordinator.js';
import type { LoadPlan } from '../../src/load/load-plan.js';
import type { TimelineOutcome } from '../../src/load/load-sink.js';
import type { TaskRunner } from '../../src/load/worker-pool.js';
import type { CoordinatorMessage, WorkerResult } from '../../src/load/worker-protocol.js';
import type { IntervalRecord } from '../../src/metrics/types.js';
import type { AgentSpec } from '../../src/profile/schema.js';
import type { Target } from '../../src/targets/target.js';
import { buildUserTable } from '../../src/users/user-table.js';
import { FakeClock } from '../helpers/fake-clock.js';

const agent = (name: string): AgentSpec => ({ name, cores: 4, capacity: 350, version: '1', site: 'dc1' });

function targetAt(origin: string, onApply: () => void = () => {}): Target {
  return {
    kind: 'sim',
    url: origin,
    tenant: 't',
    request: { origin, tokenPath: '/t/oauth2/v2.0/token', clientId: 'c', scope: 'openid' },
    users: buildUserTable([{ username: 'u1@contoso.test', password: 'p-1', state: 'active' }]),
    agents: [agent('agent-1'), agent('agent-2')],
    applyEvent: async (event) => {
      onApply();
      return { ok: true, agents: 'agent' in event && typeof event.agent === 'string' ? [event.agent] : [] };
    },
    close: async () => {},
  };
}

const plan: LoadPlan = {
  phases: [{ name: 'steady', durationMs: 3000, shape: 'constant', rate: 100 }],
  arrivals: 'uniform',
  seed: 1,
  intervalMs: 1000,
  lateThresholdMs: 5,
  workers: 2,
  connections: 8,
  timeoutMs: 5000,
  wrongPasswordShare: 0,
  timeline: [{ atMs: 1600, action: 'remove', agent: 'agent-2', mode: 'drain' }],
  stopGraceMs: 100,
};

/**
 * In-thread workers on the test's clock: each reports one snapshot per interval of the 3 s schedule (its
 * half of 100/s), says it was throttled once, and finishes when the schedule is over or a stop comes.
 */
function clockedWorkers(clock: FakeClock) {
  const received: CoordinatorMessage[][] = [];
  const runner: TaskRunner = {
    run: (task) =>
      new Promise<WorkerResult>((resolve) => {
        const log: CoordinatorMessage[] = [];
        received.push(log);
        let sent = 0;
        const finish = () => {
          task.port.postMessage({ type: 'done', workerId: task.workerId });
          task.port.close();
          resolve({ workerId: task.workerId, sent, completed: sent, abandoned: 0, skipped: 0, lastIndex: 2 });
        };
        task.port.on('message', (m: CoordinatorMessage) => {
          log.push(m);
          if (m.type === 'stop') finish();
          if (m.type !== 'start') return;
          for (let index = 0; index < 3; index++) {
            clock.setTimeout(
              () => {
                sent += 50;
                task.port.postMessage({
                  type: 'snapshot',
                  snapshot: {
                    workerId: task.workerId,
                    index,
                    sent: 50,
                    completed: 50,
                    lateStarts: 0,
                    maxSlipUs: 0,
                    inFlight: 0,
                    codes: {},
                    histograms: [],
                  },
                });
                if (index === 0 && task.workerId === 0)
                  task.port.postMessage({ type: 'throttled', retryAfterS: 0.25 });
                if (index === 2) finish();
              },
              m.startEpochMs + (index + 1) * 1000 - clock.now(),
            );
          }
        });
        task.port.postMessage({ type: 'ready', workerId: task.workerId });
      }),
    destroy: async () => {},
  };
  return { runner, received };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
}

test('a run composes pool, timeline and intervals on one clock: time zero after ready, events and records on time', async () => {
  const clock = new FakeClock();
  const t0 = clock.now();
  const { runner, received } = clockedWorkers(clock);
  const records: IntervalRecord[] = [];
  const outcomes: TimelineOutcome[] = [];
  const notes: string[] = [];
  const running = runLoad(
    plan,
    targetAt('http://127.0.0.1:1'),
    {
      interval: (r) => void records.push(r),
      timeline: (o) => void outcomes.push(o),
      note: (n) => void notes.push(n),
    },
    { clock, runner },
  );
  await settle();
  // Small steps: a message posted by a timer is read on a later turn, when the clock has moved by one step.
  for (let ms = 0; ms < 3200; ms += 10) {
    clock.advance(10);
    await settle();
  }
  const result = await running;
  assert.equal(result.status, 'completed');
  assert.equal(result.startEpochMs, t0 + 20, 'time zero is set just after the last worker said ready');
  assert.deepEqual(
    received.map((log) => log[0]),
    [
      { type: 'start', startEpochMs: t0 + 20 },
      { type: 'start', startEpochMs: t0 + 20 },
    ],
  );
  assert.deepEqual(
    received.map((log) => log[1]),
    [
      { type: 'pause', untilMs: 1250 },
      { type: 'pause', untilMs: 1250 },
    ],
    'a 429 seen by one worker pauses all of them',
  );
  assert.deepEqual(
    records.map((r) => [r.index, r.sent, r.targetRate, r.activeAgents]),
    [
      [0, 100, 100, ['agent-1', 'agent-2']],
      [1, 100, 100, ['agent-1', 'agent-2']],
      [2, 100, 100, ['agent-1']],
    ],
  );
  assert.deepEqual(
    outcomes.map((o) => [o.event.action, o.appliedAtMs]),
    [['remove', 1600]],
  );
  assert.equal(result.workers.length, 2);
  assert.ok(
    notes.some((n) =>
      n.startsWith(
        'throttled: the tenant throttled the run (HTTP 429, or AADSTS90055/90024); all workers paused 1 time(s) for 0.3 s',
      ),
    ),
    notes.join('\n'),
  );
});

test('a signal aborted before the run began stops every worker before time zero (in-thread workers)', {
  timeout: 10_000,
}, async () => {
  const clock = new FakeClock();
  const { runner, received } = clockedWorkers(clock);
  let applied = 0;
  const result = await runLoad(
    plan,
    targetAt('http://127.0.0.1:1', () => applied++),
    { interval: () => {}, timeline: () => {}, note: () => {} },
    { clock, runner, signal: AbortSignal.abort() },
  );
  assert.equal(result.status, 'interrupted');
  assert.equal(result.endMs, 0);
  assert.deepEqual(received, [[{ type: 'stop', graceMs: 100 }], [{ type: 'stop', graceMs: 100 }]]);
  assert.equal(applied, 0);
  assert.equal(clock.pending, 0, 'no timeline or interval timer was armed');
});

test('a signal aborted before the run began sends no sign-in (real worker threads)', {
  timeout: 20_000,
}, async () => {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end('{"token_type":"Bearer","access_token":"x"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const result = await runLoad(
      { ...plan, workers: 1, timeline: [] },
      targetAt(origin),
      { interval: () => {}, timeline: () => {}, note: () => {} },
      { signal: AbortSignal.abort() },
    );
    assert.equal(result.status, 'interrupted');
    assert.equal(result.workers[0]?.sent, 0);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  assert.equal(requests, 0);
});

test('a start gate puts time zero where it says, once every worker is ready', async () => {
  const clock = new FakeClock();
  const t0 = clock.now();
  const { runner, received } = clockedWorkers(clock);
  let asked = 0;
  const running = runLoad(
    { ...plan, timeline: [] },
    targetAt('http://127.0.0.1:1'),
    { interval: () => {}, timeline: () => {}, note: () => {} },
    {
      clock,
      runner,
      startAt: async () => {
        asked++;
        return t0 + 5000;
      },
    },
  );
  await settle();
  assert.equal(asked, 1);
  assert.deepEqual(
    received.map((log) => log[0]),
    [
      { type: 'start', startEpochMs: t0 + 5000 },
      { type: 'start', startEpochMs: t0 + 5000 },
    ],
  );
  for (let ms = 0; ms < 8200; ms += 100) {
    clock.advance(100);
    await settle();
  }
  const result = await running;
  assert.equal(result.status, 'completed');
  assert.equal(result.startEpochMs, t0 + 5000);
});

test('a start gate that fails fails the run before anything starts', { timeout: 10_000 }, async () => {
  const clock = new FakeClock();
  const { runner, received } = clockedWorkers(clock);
  const result = await runLoad(
    plan,
    targetAt('http://127.0.0.1:1'),
    { interval: () => {}, timeline: () => {}, note: () => {} },
    {
      clock,
      runner,
      startAt: async () => {
        throw new Error('shard 2 of 3 never came to the barrier');
      },
    },
  );
  assert.equal(result.status, 'failed');
  assert.equal(result.failure, 'shard 2 of 3 never came to the barrier');
  assert.deepEqual(received, [[{ type: 'stop', graceMs: 100 }], [{ type: 'stop', graceMs: 100 }]]);
});
