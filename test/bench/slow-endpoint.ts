/**
 * A token endpoint over TLS that answers every POST after a fixed delay (default 100 ms), as a stand-in
 * for Entra plus a PTA agent at the ceiling. It notes when each request arrived, by the arrival number in
 * its `client-request-id`, so the benchmark can measure schedule slip where it matters: on the wire.
 * Prints `port caFile`; on stdin `dump <file>` it writes the arrival times (epoch ms by arrival number,
 * NaN where none came) to the file as raw float64s, prints `dumped`, and starts over.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeSelfSignedCert } from '../../src/sim/self-signed-cert.js';

const DELAY_MS = Number(process.argv[2] ?? 100);
const MAX = Number(process.argv[3] ?? 2_000_000);
const BODY = JSON.stringify({
  token_type: 'Bearer',
  scope: 'openid profile',
  expires_in: 3599,
  access_token: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJzdWIiOiJiZW5jaCJ9.',
});
const arrived = new Float64Array(MAX).fill(Number.NaN);

const cert = makeSelfSignedCert({ hosts: ['127.0.0.1', 'localhost'] });
const caFile = join(tmpdir(), `ptaload-bench-ca-${process.pid}.pem`);
writeFileSync(caFile, cert.certPem);
const server = createServer({ key: cert.keyPem, cert: cert.certPem }, (req, res) => {
  const at = performance.timeOrigin + performance.now();
  const id = req.headers['client-request-id'];
  if (typeof id === 'string') {
    const seq = Number.parseInt(id.slice(-12), 16);
    if (seq >= 0 && seq < MAX) arrived[seq] = at;
  }
  req.resume();
  req.on('end', () => {
    setTimeout(() => {
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(BODY),
      });
      res.end(BODY);
    }, DELAY_MS);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port} ${caFile}\n`);
});

process.stdin.setEncoding('utf8').on('data', (line: string) => {
  const [cmd, file] = line.trim().split(/\s+/);
  if (cmd !== 'dump' || !file) return;
  writeFileSync(file, new Uint8Array(arrived.buffer));
  arrived.fill(Number.NaN);
  process.stdout.write('dumped\n');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
