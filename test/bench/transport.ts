/**
 * The transport's own speed: a bare closed loop of sendSignIn (one process, one event loop, no scheduler
 * or histograms) against a trivial local token endpoint, beside autocannon on the same endpoint and body;
 * the cost of handing every request one shared AbortSignal; and per-call costs of the hot-path pieces.
 * Run as a child with `--loop` it is the loop itself, so it never shares an event loop with the server.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AADSTS } from '../../src/protocol/aadsts.js';
import { classify } from '../../src/transport/classify.js';
import { createDispatcher } from '../../src/transport/dispatcher.js';
import { sendSignIn } from '../../src/transport/send.js';
import { autocannonRate, benchRequest } from './autocannon-rate.js';
import { startTrivialEndpoint } from './child.js';

const CONNECTIONS = 128;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

/** Keeps `inFlight` sign-ins going for `seconds`; sign-ins completed per second. */
async function loop(
  origin: string,
  seconds: number,
  inFlight: number,
  sharedSignal: boolean,
): Promise<number> {
  const dispatcher = createDispatcher({
    origin,
    connections: CONNECTIONS,
    connectTimeoutMs: 10_000,
    headersTimeoutMs: 30_000,
    bodyTimeoutMs: 30_000,
  });
  const ropc = benchRequest(origin);
  const stop = new AbortController();
  const options = { timeoutMs: 30_000, ...(sharedSignal ? { signal: stop.signal } : {}) };
  const bodies = Array.from({ length: 1000 }, (_, i) =>
    ropc.body(`bench${i}@contoso.test`, `Pa55word-${i}!`),
  );
  let done = 0;
  let failed = 0;
  let counting = false;
  const endAt = performance.now() + 1000 + seconds * 1000;
  // A second of warm-up opens the connections before counting starts.
  setTimeout(() => {
    counting = true;
  }, 1000);
  const lane = async (i: number) => {
    while (performance.now() < endAt) {
      const reply = await sendSignIn(dispatcher, ropc, bodies[(done + i) % 1000]!, options);
      if (counting) {
        if (reply.classified.outcome === 'success') done++;
        else failed++;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, (_, i) => lane(i)));
  await dispatcher.destroy();
  if (failed > 0) throw new Error(`${failed} sign-ins failed in the bench loop`);
  return done / seconds;
}

async function loopInChild(origin: string, inFlight: number, sharedSignal: boolean): Promise<number> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      '--loop',
      origin,
      String(SECONDS),
      String(inFlight),
      sharedSignal ? 'shared' : 'none',
    ],
    { timeout: (SECONDS + 60) * 1000 },
  );
  return Number(stdout.trim());
}

/** Nanoseconds per call, best of five rounds. */
function perCall(fn: (i: number) => unknown, n = 200_000): number {
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let r = 0; r < 5; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink += fn(i) ? 1 : 0;
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / n);
  }
  if (sink < 0) console.log(sink);
  return Math.round(best);
}

function microFigures(): Record<string, number> {
  const ropc = benchRequest('http://127.0.0.1:1');
  const e = AADSTS.invalidPassword;
  const errorBody = JSON.stringify({
    error: e.error,
    error_description: `AADSTS${e.code}: ${e.message}\r\nTrace ID: x\r\nCorrelation ID: y\r\nTimestamp: z`,
    error_codes: [e.code],
    timestamp: 'z',
    trace_id: 'x',
    correlation_id: 'y',
    error_uri: `https://login.microsoftonline.com/error?code=${e.code}`,
  });
  const headers = { 'content-type': 'application/json; charset=utf-8' };
  return {
    headersNs: perCall(() => ropc.headers()),
    bodyNs: perCall((i) => ropc.body(`user${i & 1023}@contoso.test`, `Pa55 word&${i}`)),
    classifySuccessNs: perCall(() => classify(200, undefined, headers)),
    classifyErrorNs: perCall(() => classify(400, errorBody, headers)),
    jsonParseErrorNs: perCall(() => JSON.parse(errorBody)),
  };
}

export async function benchTransport(): Promise<{
  name: string;
  figures: Record<string, number>;
  text: string;
}> {
  const { origin, stop } = await startTrivialEndpoint();
  try {
    const cannon = await autocannonRate(origin, CONNECTIONS, SECONDS);
    const bare = await loopInChild(origin, CONNECTIONS, false);
    const deep = await loopInChild(origin, 2000, false);
    const deepShared = await loopInChild(origin, 2000, true);
    const micro = microFigures();
    const figures = {
      autocannonPerS: Math.round(cannon),
      sendSignInPerS: Math.round(bare),
      ratioVsAutocannon: Math.round((bare / cannon) * 1000) / 1000,
      inFlight2000PerS: Math.round(deep),
      inFlight2000SharedSignalPerS: Math.round(deepShared),
      ...micro,
    };
    const text = [
      `autocannon, ${CONNECTIONS} connections:               ${figures.autocannonPerS}/s`,
      `sendSignIn loop, 1 process, ${CONNECTIONS} in flight:      ${figures.sendSignInPerS}/s (${figures.ratioVsAutocannon} × autocannon)`,
      `sendSignIn loop, 2000 in flight (${CONNECTIONS} conns):    ${figures.inFlight2000PerS}/s`,
      `  … every request given one shared AbortSignal: ${figures.inFlight2000SharedSignalPerS}/s`,
      `per call: headers ${micro.headersNs} ns, body ${micro.bodyNs} ns, classify success ${micro.classifySuccessNs} ns, ` +
        `classify error ${micro.classifyErrorNs} ns (JSON.parse alone ${micro.jsonParseErrorNs} ns)`,
    ].join('\n');
    return { name: 'transport', figures, text };
  } finally {
    await stop();
  }
}

if (process.argv[2] === '--loop') {
  const [origin, seconds, inFlight, signal] = process.argv.slice(3);
  const perS = await loop(origin!, Number(seconds), Number(inFlight), signal === 'shared');
  process.stdout.write(`${perS}\n`);
}
