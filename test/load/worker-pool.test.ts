import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunClock } from '../../src/load/clock.js';
import { type PoolEvents, type TaskRunner, type WorkerLoss, WorkerPool } from '../../src/load/worker-pool.js';
import type {
  CoordinatorMessage,
  WorkerMessage,
  WorkerResult,
  WorkerTask,
} from '../../src/load/worker-protocol.js';
import type { WorkerTaskBase } from '../../src/load/worker-tasks.js';
import { buildUserTable } from '../../src/users/user-table.js';
import { FakeClock } from '../helpers/fake-clock.js';

/**
 * Workers played on in-thread message ports: each says `ready` (unless handed time zero), records what the
 * pool tells it, and finishes (posting `done`) when stopped, or fails when the test says so.
 */
class FakeWorkers implements TaskRunner {
  readonly tasks: WorkerTask[] = [];
  readonly received = new Map<number, CoordinatorMessage[]>();
  private readonly live = new Map<
    number,
    { finish(): void; fail(err: Error): void; post(m: WorkerMessage): void }
  >();
  destroyed = false;

  run(task: WorkerTask): Promise<WorkerResult> {
    this.tasks.push(task);
    const log: CoordinatorMessage[] = [];
    this.received.set(task.workerId, log);
    return new Promise<WorkerResult>((resolve, reject) => {
      const post = (m: WorkerMessage) => task.port.postMessage(m);
      const finish = () => {
        post({ type: 'done', workerId: task.workerId });
        task.port.close();
        resolve({ workerId: task.workerId, sent: 0, completed: 0, abandoned: 0, skipped: 0, lastIndex: 0 });
      };
      this.live.set(task.workerId, { finish, fail: reject, post });
      task.port.on('message', (m: CoordinatorMessage) => {
        log.push(m);
        if (m.type === 'stop') finish();
      });
      if (task.startEpochMs === undefined) post({ type: 'ready', workerId: task.workerId });
    });
  }

  post(workerId: number, message: WorkerMessage): void {
    this.live.get(workerId)!.post(message);
  }

  fail(workerId: number): void {
    this.live.get(workerId)!.fail(new Error('thread died'));
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
  }
}

function baseTask(workerId: number, resumeAtMs: number): WorkerTaskBase {
  return {
    workerId,
    share: { index: workerId, count: 2 },
    resumeAtMs,
    schedule: { phases: [], arrivals: 'uniform', seed: 1 },
    intervalMs: 1000,
    lateThresholdMs: 5,
    request: {
      origin: 'http://127.0.0.1:1',
      tokenPath: '/t',
      clientId: 'c',
      scope: 'openid',
      connections: 1,
      timeoutMs: 1000,
    },
    runId: 'r',
    correlation: 'sample',
    users: buildUserTable([]),
    userRange: { from: 0, to: 0 },
    wrongPasswordShare: 0,
    drainMs: 1000,
  };
}

function setup(workers = 2) {
  const clock = new FakeClock();
  const time = new RunClock(clock);
  const runner = new FakeWorkers();
  const seen: string[] = [];
  const losses: WorkerLoss[] = [];
  const events: PoolEvents = {
    ready: () => seen.push('ready'),
    snapshot: (s) => seen.push(`snapshot ${s.workerId}/${s.index}`),
    throttled: (s) => seen.push(`throttled ${s}`),
    lost: (loss) => losses.push(loss),
  };
  const pool = new WorkerPool({ workers, time, taskFor: baseTask, scheduleEndMs: 60_000, events, runner });
  return { clock, time, runner, seen, losses, pool };
}

/** Lets queued port messages be delivered (ports deliver on later turns of the event loop, not on a timer). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

test('ready is said once every worker is loaded; start carries time zero to every worker', async () => {
  const { time, runner, seen, pool } = setup(3);
  const running = pool.run();
  await settle();
  assert.deepEqual(seen, ['ready']);
  assert.equal(runner.tasks.length, 3);
  assert.ok(
    runner.tasks.every((t) => t.startEpochMs === undefined),
    'no time zero before all are ready',
  );
  time.begin(time.clock.now() + 20);
  pool.start(time.startEpochMs);
  pool.stop(500);
  const results = await running;
  assert.equal(results.length, 3);
  for (const id of [0, 1, 2]) {
    assert.deepEqual(runner.received.get(id), [
      { type: 'start', startEpochMs: time.startEpochMs },
      { type: 'stop', graceMs: 500 },
    ]);
  }
});

const snapshotAt = (workerId: number, index: number) => ({
  workerId,
  index,
  sent: 1,
  completed: 1,
  lateStarts: 0,
  maxSlipUs: 0,
  inFlight: 0,
  codes: {},
  histograms: [],
});

test('snapshots and throttles are handed on in order', async () => {
  const { runner, seen, pool } = setup(1);
  const running = pool.run();
  await settle();
  runner.post(0, { type: 'snapshot', snapshot: snapshotAt(0, 4) });
  runner.post(0, { type: 'throttled', retryAfterS: 7 });
  pool.stop(0);
  await running;
  assert.deepEqual(seen, ['ready', 'snapshot 0/4', 'throttled 7']);
});

test('a task that resolves before its last messages arrive is waited for until its done message', async () => {
  const seen: string[] = [];
  const runner: TaskRunner = {
    run: async (task) => {
      // The result is handed back at once; the port's last messages are still on their way.
      setImmediate(() => {
        task.port.postMessage({ type: 'snapshot', snapshot: snapshotAt(task.workerId, 9) });
        task.port.postMessage({ type: 'done', workerId: task.workerId });
      });
      return { workerId: task.workerId, sent: 1, completed: 1, abandoned: 0, skipped: 0, lastIndex: 9 };
    },
    destroy: async () => {},
  };
  const pool = new WorkerPool({
    workers: 1,
    time: new RunClock(new FakeClock()),
    taskFor: baseTask,
    scheduleEndMs: 60_000,
    runner,
    events: {
      ready: () => seen.push('ready'),
      snapshot: (s) => seen.push(`snapshot ${s.index}`),
      throttled: () => {},
      lost: () => {},
    },
  });
  const results = await pool.run();
  assert.deepEqual(seen, ['snapshot 9'], 'the last snapshot was handed on before the run ended');
  assert.equal(results.length, 1);
});

test('a lost worker is replaced from where it was, with time zero, and reported before its replacement starts', async () => {
  const { clock, time, runner, losses, pool } = setup(2);
  const running = pool.run();
  await settle();
  time.begin(clock.now());
  pool.start(time.startEpochMs);
  clock.advance(12_345);
  runner.fail(1);
  await settle();
  assert.equal(losses.length, 1);
  assert.equal(losses[0]!.workerId, 1);
  assert.equal(losses[0]!.atMs, 12_345);
  assert.equal(losses[0]!.replaced, true);
  assert.equal((losses[0]!.error as Error).message, 'thread died');
  const replacement = runner.tasks[2]!;
  assert.equal(replacement.workerId, 1);
  assert.equal(replacement.resumeAtMs, 12_345);
  assert.equal(replacement.startEpochMs, time.startEpochMs, 'the replacement does not wait for a new start');
  assert.equal(pool.lostWorkers, 1);
  pool.stop(0);
  const results = await running;
  assert.deepEqual(results.map((r) => r.workerId).sort(), [0, 1]);
  assert.deepEqual(runner.received.get(1), [{ type: 'stop', graceMs: 0 }], 'the replacement hears the stop');
});

test('a worker lost after its schedule ended, or once stopping, is not replaced', async () => {
  const { clock, time, runner, losses, pool } = setup(2);
  const running = pool.run();
  await settle();
  time.begin(clock.now());
  pool.start(time.startEpochMs);
  clock.advance(60_000);
  runner.fail(0);
  await settle();
  pool.stop(0);
  runner.fail(1);
  await running;
  assert.deepEqual(
    losses.map((l) => [l.workerId, l.replaced]),
    [
      [0, false],
      [1, false],
    ],
  );
  assert.equal(runner.tasks.length, 2);
  assert.equal(pool.lostWorkers, 2);
});

test('a worker that keeps failing is replaced five times, then given up', async () => {
  const { clock, time, runner, losses, pool } = setup(1);
  const running = pool.run();
  await settle();
  time.begin(clock.now());
  pool.start(time.startEpochMs);
  for (let i = 0; i < 6; i++) {
    clock.advance(1000);
    runner.fail(0);
    await settle();
  }
  await running;
  assert.deepEqual(
    losses.map((l) => l.replaced),
    [true, true, true, true, true, false],
  );
  assert.equal(runner.tasks.length, 6);
});

test('a stop asked before any worker started still reaches every worker, and no ready is said', async () => {
  const { runner, seen, pool } = setup(2);
  pool.stop(250);
  const results = await pool.run();
  assert.equal(results.length, 2);
  assert.deepEqual(seen, []);
  for (const id of [0, 1]) assert.deepEqual(runner.received.get(id), [{ type: 'stop', graceMs: 250 }]);
  await pool.destroy();
  assert.equal(runner.destroyed, true);
});
