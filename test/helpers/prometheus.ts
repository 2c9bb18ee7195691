import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Debian's `prometheus` package (what .ci/run installs), or PTALOAD_PROMETHEUS. */
export function findPrometheus(): string | undefined {
  const fromEnv = process.env.PTALOAD_PROMETHEUS;
  for (const path of fromEnv ? [fromEnv] : ['/usr/bin/prometheus']) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not this one
    }
  }
  return undefined;
}

export const NO_PROMETHEUS =
  'no prometheus binary found (run `apt-get update && apt-get install -y prometheus`, or set PTALOAD_PROMETHEUS; CI installs it)';

/** A port free on 127.0.0.1 right now (for a config file that must name it before the server starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface PrometheusServer {
  readonly origin: string;
  /** An instant PromQL query (now, or at `atS` seconds since the epoch); the result vector's label sets and values. */
  query(promql: string, atS?: number): Promise<{ metric: Record<string, string>; value: number }[]>;
  stop(): Promise<void>;
}

/**
 * Its own prometheus process on a loopback port with a temporary config and data folder, scraping
 * `scrapeTargets` every second and accepting remote writes. The caller stops it.
 */
export async function startPrometheus(
  binary: string,
  dir: string,
  scrapeTargets: readonly string[],
): Promise<PrometheusServer> {
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  await mkdir(join(dir, 'data'), { recursive: true });
  await writeFile(
    config,
    [
      'global: { scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s }',
      'scrape_configs:',
      '  - job_name: ptaload',
      `    static_configs: [{ targets: [${scrapeTargets.map((t) => `'${t}'`).join(', ')}] }]`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const origin = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`prometheus exited at start: ${stderr}`);
    const ready = await fetch(`${origin}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (i > 300) {
      await stop();
      throw new Error(`prometheus not ready after 30 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    origin,
    async query(promql, atS) {
      const at = atS === undefined ? '' : `&time=${atS}`;
      const res = await fetch(`${origin}/api/v1/query?query=${encodeURIComponent(promql)}${at}`);
      const body = (await res.json()) as {
        status: string;
        error?: string;
        data?: {
          resultType: string;
          result: { metric: Record<string, string>; value: [number, string] }[] | [number, string];
        };
      };
      if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`);
      const result = body.data?.result ?? [];
      if (body.data?.resultType === 'scalar')
        return [{ metric: {}, value: Number((result as [number, string])[1]) }];
      return (result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
        metric: r.metric,
        value: Number(r.value[1]),
      }));
    },
    stop,
  };
}
