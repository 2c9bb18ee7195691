/** The simulated tenant in the foreground: start it, say so in one JSON line on stdout, stop on SIGTERM or Ctrl-C. */
import type { SimReady } from '../protocol/sim-launch.js';
import { type SimHandle, type SimOptions, startSim } from './server.js';

/**
 * Runs until SIGTERM or SIGINT, then closes the tenant and logs what it served; resolves with the exit code.
 * `started` runs once it listens, before the ready line.
 */
export async function serveUntilSignal(
  options: SimOptions,
  log: (line: string) => void,
  started: (sim: SimHandle) => void = () => {},
): Promise<number> {
  const sim = await startSim({ ...options, logger: log });
  started(sim);
  const ready: SimReady = {
    url: sim.url,
    tenant: sim.tenant,
    domain: sim.domain,
    clientId: sim.clientId,
    adminToken: sim.adminToken,
    caFile: sim.caFile ?? null,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  await sim.close();
  const c = sim.counters;
  log(`${signal}: stopped after ${c.requests} token requests (${JSON.stringify(c.byCode())} by code)`);
  return 0;
}
