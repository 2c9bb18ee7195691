/**
 * The sweep of the sweep-then-plan end-to-end test and its benchmark: a real sweep against the simulator: default 4-core agents, the same phases played with 1, 2 and 3 agents.
 * Arrivals are uniform, so a step's achieved rate tracks its target until the agents saturate. Around each
 * count's capacity the steps are 10 % apart, so one lands between capacity and capacity / 0.9 (answered at
 * about capacity, still passing) and a higher one fails on achieved rate. Between those groups, and to warm a
 * cold harness and simulator up, the rate ramps: a ramp's intervals all differ in rate, so none forms a step
 * and none is judged, which keeps the steps a stall on a busy machine could spoil few. One worker leaves the
 * two cores to the simulator and the main thread. After each count, up to 3 knee probes of 1 s (after a 1 s
 * lead-in) narrow what the steps left open. About two minutes on 2 cores. Shared by
 * test/e2e/sweep-plan.test.ts (the plan's own arithmetic) and test/bench/sweep-plan.ts (how close the knee comes
 * to the configured capacity, which depends on how busy the machine is).
 */
export const SWEEP_PROFILE = `
name: e2e-sweep
target: { kind: sim, seed: 3 }
users: { generate: 5000 }
agents: { count: 3 }
load:
  workers: 1
  interval: 250ms
  arrivals: uniform
  phases:
    - { name: warm-up, shape: ramp, from: 50/s, to: 245/s, duration: 1500ms }
    - { name: one, shape: step, start: 280/s, increment: 35/s, every: 1s, until: 420/s }
    - { name: to-two, shape: ramp, from: 420/s, to: 595/s, duration: 500ms }
    - { name: two, shape: step, start: 630/s, increment: 70/s, every: 1s, until: 840/s }
    - { name: to-three, shape: ramp, from: 840/s, to: 900/s, duration: 500ms }
    - { name: three, shape: step, start: 945/s, increment: 105/s, every: 1s, until: 1365/s }
sweep:
  agentCounts: [1, 2, 3]
  settle: 0s
  stopWhen: { p99: 1s, errorRate: 1% }
  refine: { within: 2%, probes: 3, hold: 1s }
`;
