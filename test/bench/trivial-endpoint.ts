/**
 * A token endpoint that answers every POST at once with a small Entra-shaped success body. Started as a child
 * process by benchmarks, so the generator under test does not share its event loop. Prints its port.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const BODY = JSON.stringify({
  token_type: 'Bearer',
  scope: 'openid profile',
  expires_in: 3599,
  ext_expires_in: 3599,
  access_token: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJzdWIiOiJiZW5jaCJ9.',
});

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(BODY),
    });
    res.end(BODY);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
