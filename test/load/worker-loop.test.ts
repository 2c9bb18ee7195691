import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { ArrivalSchedule, type SchedulePhase } from '../../src/load/schedule/arrival-schedule.js';
import {
  createSignInClient,
  type SignInClient,
  type SignInExchange,
} from '../../src/load/worker/signin-client.js';
import { type LoopTimers, WorkerLoop } from '../../src/load/worker/worker-loop.js';
import type { WorkerMessage, WorkerTask } from '../../src/load/worker-protocol.js';
import type { WorkerSnapshot } from '../../src/metrics/types.js';
import { buildUserTable } from '../../src/users/user-table.js';

/** A fake clock and the timers it drives: `advance` runs every timer due, in order, at its own time. */
class FakeTime implements LoopTimers {
  now = 0;
  private seq = 0;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  /** Every delay the code asked for. */
  readonly delays: number[] = [];

  set(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.delays.push(ms);
    this.due.set(id, { at: this.now + ms, fn });
    return id;
  }

  clear(handle: unknown): void {
    this.due.delete(handle as number);
  }

  /** Runs timers up to `until`; `between` runs after each (lets replies and messages through). */
  async advance(until: number, between: () => Promise<void> = async () => {}): Promise<void> {
    for (;;) {
      let first: [number, { at: number; fn: () => void }] | undefined;
      for (const entry of this.due) if (!first || entry[1].at < first[1].at) first = entry;
      if (!first || first[1].at > until) break;
      this.due.delete(first[0]);
      this.now = Math.max(this.now, first[1].at);
      first[1].fn();
      await between();
    }
    this.now = until;
  }
}

const users = buildUserTable(
  Array.from({ length: 10 }, (_, i) => ({
    username: `u${i}@contoso.test`,
    password: `pw ${i}&`,
    state: 'active' as const,
  })),
);

function task(phases: SchedulePhase[], port: WorkerTask['port'], over: Partial<WorkerTask> = {}): WorkerTask {
  return {
    workerId: 0,
    share: { index: 0, count: 1 },
    startEpochMs: 0,
    resumeAtMs: 0,
    schedule: { phases, arrivals: 'poisson', seed: 5 },
    intervalMs: 1000,
    lateThresholdMs: 5,
    request: {
      origin: 'http://127.0.0.1:1',
      tokenPath: '/t/oauth2/v2.0/token',
      clientId: 'c',
      scope: 's',
      connections: 1000,
      timeoutMs: 30_000,
    },
    runId: 'test-run',
    correlation: 'sample',
    users,
    userRange: { from: 0, to: users.count },
    wrongPasswordShare: 0.1,
    drainMs: 1000,
    port,
    ...over,
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('the arrival loop, on a fake clock', () => {
  test('fires every scheduled arrival exactly once, never early, in coalesced wakes, and sleeps through a quiet phase', async () => {
    const phases: SchedulePhase[] = [
      { name: 'busy', durationMs: 1000, shape: 'constant', rate: 5000 },
      { name: 'quiet', durationMs: 10_000, shape: 'constant', rate: 0 },
      { name: 'tail', durationMs: 1000, shape: 'ramp', from: 100, to: 300 },
    ];
    const expected: number[] = [];
    const reference = new ArrivalSchedule(phases, { arrivals: 'poisson', seed: 5 });
    for (let t = reference.next(); t !== undefined; t = reference.next()) expected.push(t);

    const time = new FakeTime();
    const sends: { intendedMs: number; sequence: number; at: number }[] = [];
    let onReply!: (x: SignInExchange) => void;
    const replies: SignInExchange[] = [];
    const client: SignInClient = {
      send(user, wrong, sequence, intendedMs, keepIds) {
        sends.push({ intendedMs, sequence, at: time.now });
        // Each reply comes 3 ms later (a fake-timer later), as an exchange would.
        time.set(() => {
          const x = {
            intendedMs,
            sequence,
            user,
            wrong,
            keepIds,
            status: 200,
            agent: 'agent-1',
            requestId: undefined,
            classified: { outcome: 'success' },
          } as unknown as SignInExchange;
          replies.push(x);
          onReply(x);
        }, 3);
      },
      correlationId: (s) => `id-${s}`,
      close: async () => {},
      destroy: async () => {},
    };
    const channel = new MessageChannel();
    const snapshots: WorkerSnapshot[] = [];
    const closed = new Promise<void>((resolve) =>
      channel.port1.on('message', (m: WorkerMessage) => {
        if (m.type === 'snapshot') snapshots.push(m.snapshot);
        if (m.type === 'done') resolve();
      }),
    );
    const pumpDelaysBefore = time.delays.length;
    const loop = new WorkerLoop(
      task(phases, channel.port2),
      (_u, cb) => {
        onReply = cb;
        return client;
      },
      {
        clock: () => time.now,
        timers: time,
      },
    );
    const result = loop.run();
    await time.advance(1000);
    const wakesInBusy = time.delays.length - pumpDelaysBefore - sends.length; // minus the reply timers
    await time.advance(11_000);
    const delaysInQuiet = time.delays.length;
    await time.advance(13_000);
    const done = await result;

    assert.equal(sends.length, expected.length);
    assert.deepEqual(
      sends.map((s) => s.intendedMs),
      expected,
      'every arrival fired once, in order',
    );
    assert.deepEqual(
      sends.map((s) => s.sequence),
      expected.map((_, i) => i),
      'sequence numbers are the arrival numbers',
    );
    for (const s of sends) assert.ok(s.at >= s.intendedMs, `fired early: ${s.at} < ${s.intendedMs}`);
    for (const s of sends)
      assert.ok(s.at - s.intendedMs <= 1, `a ms-grain timer keeps slip ≤ 1 ms, got ${s.at - s.intendedMs}`);
    assert.ok(
      time.delays.every((d) => d >= 1),
      'no zero-delay timer: the loop never spins',
    );
    // ~5000 arrivals in the first second, but at most one wake per millisecond (plus interval ticks).
    assert.ok(
      wakesInBusy <= 1000 + 5,
      `${wakesInBusy} wakes for ${expected.filter((t) => t < 1000).length} arrivals`,
    );
    // Across the 10 s quiet phase the loop sleeps once (plus one interval tick per second).
    const quietWakes = time.delays.length - delaysInQuiet;
    assert.ok(quietWakes < 400, `${quietWakes} timers after the quiet phase`);
    assert.equal(done.sent, expected.length);
    assert.equal(done.completed, expected.length);
    assert.equal(replies.length, expected.length);
    await closed;
    const counted = snapshots.reduce((n, s) => n + s.sent, 0);
    assert.equal(counted, expected.length, 'the snapshots add up to every send');
    channel.port1.close();
  });
});

describe('bounded admission', () => {
  test('against a server that never answers, the cap holds: at most connections × 2 in flight, the rest counted as saturated', async () => {
    const sockets = new Set<Socket>();
    let requests = 0;
    const server: Server = createServer(() => {
      requests++; // never answered
    });
    server.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const time = new FakeTime();
    const channel = new MessageChannel();
    const snapshots: WorkerSnapshot[] = [];
    const closed = new Promise<void>((resolve) =>
      channel.port1.on('message', (m: WorkerMessage) => {
        if (m.type === 'snapshot') snapshots.push(m.snapshot);
        if (m.type === 'done') resolve();
      }),
    );
    const connections = 4;
    const t = task([{ name: 'flood', durationMs: 2000, shape: 'constant', rate: 5000 }], channel.port2, {
      schedule: {
        phases: [{ name: 'flood', durationMs: 2000, shape: 'constant', rate: 5000 }],
        arrivals: 'uniform',
        seed: 1,
      },
      request: {
        origin,
        tokenPath: '/t/oauth2/v2.0/token',
        clientId: 'c',
        scope: 's',
        connections,
        timeoutMs: 60_000,
      },
    });
    let client!: SignInClient;
    const loop = new WorkerLoop(
      t,
      (u, onReply) => {
        client = createSignInClient(t.request, u, t.runId, onReply);
        return client;
      },
      { clock: () => time.now, timers: time },
    );
    const result = loop.run();
    const heapBefore = process.memoryUsage().heapUsed;
    await time.advance(2100, tick);
    // Let the sockets connect and the requests arrive.
    for (let i = 0; i < 50 && requests < connections; i++) await new Promise((r) => setTimeout(r, 20));
    const heapAfter = process.memoryUsage().heapUsed;
    channel.port1.postMessage({ type: 'stop', graceMs: 10 });
    await tick();
    await time.advance(2200, tick);
    const done = await result;
    await closed;
    await client.destroy();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    channel.port1.close();

    const limit = connections * 2;
    assert.equal(done.sent, limit, 'only what fits the cap was sent');
    assert.equal(done.skippedBy?.saturated, 10_000 - limit, 'everything else is counted as saturated');
    assert.equal(done.abandoned, limit, 'the unanswered sends are abandoned at stop');
    const saturated = snapshots.reduce((n, s) => n + (s.saturated ?? 0), 0);
    assert.equal(saturated, 10_000 - limit, 'and the interval records carry the count');
    assert.ok(snapshots.every((s) => s.inFlight <= limit));
    assert.ok(sockets.size <= connections, `${sockets.size} connections opened`);
    assert.ok(requests <= connections, 'requests beyond the connections wait in the (bounded) queue');
    // 10,000 arrivals leave no trace in memory: nothing was queued for them.
    assert.ok(heapAfter - heapBefore < 8 * 1024 * 1024, `heap grew ${heapAfter - heapBefore} bytes`);
  });
});
