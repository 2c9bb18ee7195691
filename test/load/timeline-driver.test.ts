import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AgentRoster } from '../../src/load/agent-roster.js';
import { RunClock } from '../../src/load/clock.js';
import type { TimelineOutcome } from '../../src/load/load-sink.js';
import { TimelineDriver } from '../../src/load/timeline-driver.js';
import type { AgentSpec, TimelineEvent } from '../../src/profile/schema.js';
import type { AppliedEvent } from '../../src/targets/target.js';
import { FakeClock } from '../helpers/fake-clock.js';

const agent = (name: string): AgentSpec => ({ name, cores: 4, capacity: 350, version: '1.0.0', site: 'dc1' });

const events: TimelineEvent[] = [
  { atMs: 5000, action: 'remove', agent: 'agent-2', mode: 'drain' },
  { atMs: 10_000, action: 'add', agent: agent('agent-3') },
  { atMs: 20_000, action: 'degrade', agent: 'agent-1', slowFactor: 2, errorRate: 0 },
];

function setup(opts: { kind?: 'sim' | 'entra'; shardIndex?: number; refuse?: string } = {}) {
  const clock = new FakeClock();
  const time = new RunClock(clock);
  const roster = new AgentRoster([agent('agent-1'), agent('agent-2')]);
  const asked: { action: string; atMs: number }[] = [];
  const outcomes: TimelineOutcome[] = [];
  const target = {
    kind: opts.kind ?? 'sim',
    applyEvent: async (event: TimelineEvent): Promise<AppliedEvent> => {
      asked.push({ action: event.action, atMs: time.elapsed() });
      if (event.action === opts.refuse) return { ok: false, error: 'hook failed', agents: [] };
      return {
        ok: true,
        agents: 'agent' in event ? [typeof event.agent === 'string' ? event.agent : event.agent.name] : [],
      };
    },
  } as const;
  const driver = new TimelineDriver({
    events,
    time,
    target,
    shardIndex: opts.shardIndex ?? 0,
    roster,
    sink: { timeline: (o) => void outcomes.push(o) },
  });
  return { clock, time, roster, asked, outcomes, driver };
}

test('each event is asked of the target at its time from time zero, and the roster follows', async () => {
  const { clock, time, roster, asked, outcomes, driver } = setup();
  time.begin(clock.now());
  driver.start();
  clock.advance(4999);
  assert.equal(asked.length, 0);
  clock.advance(1);
  assert.deepEqual(asked, [{ action: 'remove', atMs: 5000 }]);
  clock.advance(5000);
  await driver.settled();
  assert.deepEqual(
    asked.map((a) => a.atMs),
    [5000, 10_000],
  );
  assert.deepEqual(
    outcomes.map((o) => [o.event.action, o.appliedAtMs, o.ok]),
    [
      ['remove', 5000, true],
      ['add', 10_000, true],
    ],
  );
  assert.deepEqual(roster.activeAt(4000), ['agent-1', 'agent-2']);
  assert.deepEqual(roster.activeAt(7000), ['agent-1']);
  assert.deepEqual(roster.activeAt(12_000), ['agent-1', 'agent-3']);
});

test('events not yet due when the run stops are never applied; their timers are gone', async () => {
  const { clock, time, asked, driver } = setup();
  time.begin(clock.now());
  driver.start();
  clock.advance(12_000);
  driver.stop();
  assert.equal(clock.pending, 0);
  clock.advance(60_000);
  await driver.settled();
  assert.deepEqual(
    asked.map((a) => a.action),
    ['remove', 'add'],
  );
});

test('a refused event is reported and leaves the roster as it was', async () => {
  const { clock, time, roster, outcomes, driver } = setup({ refuse: 'remove' });
  time.begin(clock.now());
  driver.start();
  clock.advance(6000);
  await driver.settled();
  assert.equal(outcomes[0]!.ok, false);
  assert.equal(outcomes[0]!.error, 'hook failed');
  assert.deepEqual(roster.activeAt(5500), ['agent-1', 'agent-2']);
});

test('on a real tenant only shard 0 runs the events; other shards record them as applied by shard 0', async () => {
  const { clock, time, roster, asked, outcomes, driver } = setup({ kind: 'entra', shardIndex: 1 });
  time.begin(clock.now());
  driver.start();
  clock.advance(11_000);
  await driver.settled();
  assert.deepEqual(asked, []);
  assert.deepEqual(
    outcomes.map((o) => [o.event.action, o.ok, o.detail]),
    [
      ['remove', true, { appliedBy: 'shard 0' }],
      ['add', true, { appliedBy: 'shard 0' }],
    ],
  );
  assert.deepEqual(roster.activeAt(10_500), ['agent-1', 'agent-3'], 'the roster still follows the timeline');
});

test('the simulator is driven by every shard (each shard has its own simulated tenant)', async () => {
  const { clock, time, asked, driver } = setup({ kind: 'sim', shardIndex: 2 });
  time.begin(clock.now());
  driver.start();
  clock.advance(5000);
  await driver.settled();
  assert.deepEqual(asked, [{ action: 'remove', atMs: 5000 }]);
});
