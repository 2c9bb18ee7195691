/** The simulated tenant in the foreground: start it, say so in one JSON line on stdout, stop on SIGTERM, Ctrl-C or the end of the harness that started it. */
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

  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
    // Started by a harness with an IPC channel: its end means the harness is gone (even by kill -9), and a
    // simulator left listening on its port would outlive it for nothing.
    if (process.channel) {
      process.channel.unref();
      process.once('disconnect', () => resolve('harness gone'));
    }
  });
  await sim.close();
  const c = sim.counters;
  log(`${signal}: stopped after ${c.requests} token requests (${JSON.stringify(c.byCode())} by code)`);
  return 0;
}
