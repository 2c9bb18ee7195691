// Preloaded into a CLI child (NODE_OPTIONS=--import=<this file>) by tests about early signals: appends
// `{pid, signal}` to $PTALOAD_SIGNAL_SPY when the program first listens for SIGINT or SIGTERM, so a test
// knows from when the program can hear a signal at all (before that, Node's default ends the process).

import { appendFileSync } from 'node:fs';

const file = process.env.PTALOAD_SIGNAL_SPY;
const seen = new Set();

for (const name of ['on', 'addListener', 'once', 'prependListener']) {
  const original = process[name];
  process[name] = function (event, ...rest) {
    if (file && (event === 'SIGINT' || event === 'SIGTERM') && !seen.has(event)) {
      seen.add(event);
      appendFileSync(file, `${JSON.stringify({ pid: process.pid, signal: event })}\n`);
    }
    return original.call(this, event, ...rest);
  };
}
