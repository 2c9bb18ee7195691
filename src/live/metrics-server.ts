/** `--metrics-port`: the live registry in Prometheus text exposition over plain HTTP, GET /metrics. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { UsageError } from '../errors.js';

export interface MetricsServer {
  readonly url: string;
  /** Scrapes served so far. */
  readonly scrapes: number;
  /** Resolves at the next scrape, or after `maxMs`; true when a scrape came. */
  nextScrape(maxMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startMetricsServer(
  registry: Registry,
  host: string,
  port: number,
): Promise<MetricsServer> {
  let scrapes = 0;
  const waiting = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' || (path !== '/metrics' && path !== '/')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('ptaload serves GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => {
        res.writeHead(200, { 'content-type': registry.contentType }).end(text);
        scrapes++;
        for (const wake of waiting) wake();
      },
      (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new UsageError(
          `--metrics-port ${port}: cannot listen on ${host}:${port} (${err.code ?? err.message}); choose a free port, or 0 for any.`,
        ),
      ),
    );
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/metrics`,
    get scrapes() {
      return scrapes;
    },
    nextScrape(maxMs) {
      return new Promise((resolve) => {
        const done = (came: boolean) => {
          clearTimeout(timer);
          waiting.delete(wake);
          resolve(came);
        };
        const wake = () => done(true);
        const timer = setTimeout(() => done(false), maxMs);
        waiting.add(wake);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
