// Preloaded into a CLI child (NODE_OPTIONS=--import=<this file>) by tests that must prove what the process
// tried to reach. Every TCP/TLS connect and every DNS lookup is appended to $PTALOAD_NET_SPY as a JSON line;
// anything not aimed at a loopback address is refused on the spot, so a test never sends traffic off this
// machine, not even a DNS query.

import dns from 'node:dns';
import { appendFileSync } from 'node:fs';
import net from 'node:net';

const file = process.env.PTALOAD_NET_SPY;
const loopback = (host) =>
  host === undefined || host === null || /^127\./.test(host) || host === '::1' || host === '[::1]';

function record(kind, host, port) {
  if (file) appendFileSync(file, `${JSON.stringify({ kind, host, port, pid: process.pid })}\n`);
}

function refused(host) {
  return Object.assign(new Error(`net-spy: refused to reach ${host} (tests stay on 127.0.0.1)`), {
    code: 'ECONNREFUSED',
  });
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  // net.connect() hands over its normalised arguments as one array; direct calls pass (options) or (port, host).
  const list = Array.isArray(args[0]) ? args[0] : args;
  const options =
    typeof list[0] === 'object' && list[0] !== null ? list[0] : { port: list[0], host: list[1] };
  if (options.path === undefined) {
    const host = options.host ?? 'localhost';
    record('connect', host, options.port);
    if (!loopback(host)) {
      process.nextTick(() => this.destroy(refused(host)));
      return this;
    }
  }
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function (host, ...rest) {
  record('lookup', host);
  const callback = rest[rest.length - 1];
  if (!loopback(host) && typeof callback === 'function') {
    process.nextTick(() => callback(Object.assign(refused(host), { code: 'ENOTFOUND' })));
    return undefined;
  }
  return lookup.call(this, host, ...rest);
};

const lookupPromise = dns.promises.lookup;
dns.promises.lookup = function (host, ...rest) {
  record('lookup', host);
  if (!loopback(host)) return Promise.reject(Object.assign(refused(host), { code: 'ENOTFOUND' }));
  return lookupPromise.call(this, host, ...rest);
};
