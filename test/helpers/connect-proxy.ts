import { createServer, type IncomingMessage } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';

export interface ConnectProxy {
  /** `http://127.0.0.1:port` */
  readonly url: string;
  /** CONNECT tunnels opened so far. */
  tunnels(): number;
  /** `host:port` of every CONNECT asked for, refused ones included. */
  readonly targets: string[];
  close(): Promise<void>;
}

/**
 * A tiny HTTP CONNECT proxy on 127.0.0.1:0 that tunnels only to 127.0.0.1 (tests never reach further)
 * and counts the tunnels it opens. `refuse: true` answers every CONNECT with 403.
 */
export async function startConnectProxy(opts: { refuse?: boolean } = {}): Promise<ConnectProxy> {
  const sockets = new Set<Socket>();
  const targets: string[] = [];
  let tunnels = 0;
  const server = createServer((_req, res) => {
    res.writeHead(405).end('CONNECT only');
  });
  const keep = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };
  server.on('connection', keep);
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    targets.push(target);
    const m = /^127\.0\.0\.1:(\d+)$/.exec(target);
    if (opts.refuse || !m) {
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const upstream = connect(Number(m[1]), '127.0.0.1', () => {
      tunnels++;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    keep(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    tunnels: () => tunnels,
    targets,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
