/** The generator's connections to one origin: one undici Client each, a free one found in O(1), a FIFO of requests waiting. */
import { buildConnector, Client, type Dispatcher, errors } from 'undici';
import { createDispatcher, type DispatcherOptions } from './dispatcher.js';
import { bypassesProxy } from './proxy-env.js';
import { trustContext } from './tls-trust.js';

/** A request's handler that also remembers which connection carries it, so its end can hand that connection on. */
interface LaneHandler extends Dispatcher.DispatchHandler {
  lane: unknown;
}

/** Where the generator's sign-ins go: `dispatch` now or when a connection frees, `release` when one has ended. */
export interface RequestLanes {
  dispatch(opts: Dispatcher.DispatchOptions, handler: LaneHandler): void;
  /**
   * The request of `handler` has ended: its connection takes the next waiting one. `completed` says it ended
   * with its reply (undici's onComplete); a failure is handed on a microtask later, since undici is still
   * clearing that connection's queue when it reports the error.
   */
  release(handler: LaneHandler, completed: boolean): void;
  /** Waits for requests under way and waiting, then closes the connections. */
  close(): Promise<void>;
  /** Drops every connection; requests under way or waiting end as errors. */
  destroy(): Promise<void>;
}

/**
 * Direct connections as a set of Clients (pipelining 1) instead of undici's Pool, whose dispatch walks
 * every client to find a free one and whose queue and drain events cost per request: here a free client
 * is the top of a stack and a waiting request the head of a FIFO (bounded by the worker's admission).
 * A request handed to a client while its reply is still arriving goes out on the same keep-alive
 * connection right after (never before: pipelining 1). Through a proxy, undici's ProxyAgent as before.
 */
export function createRequestLanes(options: DispatcherOptions): RequestLanes {
  const proxy = options.proxy;
  if (proxy !== undefined && !(proxy.noProxy !== undefined && bypassesProxy(proxy.noProxy, options.origin))) {
    return new DispatcherLanes(createDispatcher(options));
  }
  return new ConnectionSet(options);
}

/** Any undici dispatcher as lanes (tests and one-off callers hand one in). */
export function dispatcherLanes(dispatcher: Dispatcher): RequestLanes {
  return new DispatcherLanes(dispatcher);
}

/** Any undici dispatcher as lanes: it queues and picks connections itself. */
class DispatcherLanes implements RequestLanes {
  constructor(private readonly dispatcher: Dispatcher) {}
  dispatch(opts: Dispatcher.DispatchOptions, handler: LaneHandler): void {
    this.dispatcher.dispatch(opts, handler);
  }
  release(): void {}
  close(): Promise<void> {
    return this.dispatcher.close();
  }
  destroy(): Promise<void> {
    return this.dispatcher.destroy();
  }
}

class ConnectionSet implements RequestLanes {
  private readonly all: Client[] = [];
  private readonly idle: Client[] = [];
  /** Waiting requests as [opts, handler, opts, handler, …] from `head` on. */
  private waiting: (Dispatcher.DispatchOptions | LaneHandler)[] = [];
  private head = 0;
  private shiftedOpts: Dispatcher.DispatchOptions | undefined;
  private readonly clientOptions: Client.Options;
  private drained: (() => void) | undefined;
  private destroyed = false;
  private serving = false;

  constructor(private readonly options: DispatcherOptions) {
    if (!Number.isInteger(options.connections) || options.connections < 1) {
      throw new RangeError(`connections must be an integer ≥ 1, got ${options.connections}`);
    }
    const secureContext = trustContext(options.ca);
    // One connector for all clients, as Pool has: TLS sessions are resumed across connections.
    const connect = buildConnector({
      rejectUnauthorized: true,
      timeout: options.connectTimeoutMs,
      ...(secureContext ? { secureContext } : {}),
    } as buildConnector.BuildOptions);
    this.clientOptions = {
      pipelining: 1,
      headersTimeout: options.headersTimeoutMs,
      bodyTimeout: options.bodyTimeoutMs,
      ...(options.keepAliveTimeoutMs !== undefined ? { keepAliveTimeout: options.keepAliveTimeoutMs } : {}),
      connect,
    };
  }

  dispatch(opts: Dispatcher.DispatchOptions, handler: LaneHandler): void {
    if (this.destroyed) {
      // As a destroyed undici dispatcher does: reported to the handler, not thrown.
      handler.onError?.(new errors.ClientDestroyedError());
      return;
    }
    let client = this.idle.pop();
    if (client === undefined && this.all.length < this.options.connections) {
      client = new Client(this.options.origin, this.clientOptions);
      this.all.push(client);
    }
    if (client === undefined) {
      this.waiting.push(opts, handler);
      return;
    }
    handler.lane = client;
    client.dispatch(opts, handler);
  }

  release(handler: LaneHandler, completed: boolean): void {
    const client = handler.lane as Client | undefined;
    if (client === undefined) return;
    handler.lane = undefined;
    if (!completed) {
      this.idle.push(client);
      if (!this.serving) {
        this.serving = true;
        queueMicrotask(this.serveWaiting);
      }
      return;
    }
    if (client.destroyed) {
      // Not reused: a later dispatch opens a fresh client in its place (unless the set is destroyed).
      this.all.splice(this.all.indexOf(client), 1);
      if (this.head < this.waiting.length && !this.destroyed) {
        const next = this.shift();
        this.dispatch(this.shiftedOpts!, next);
      }
      return;
    }
    if (this.head < this.waiting.length) {
      const next = this.shift();
      next.lane = client;
      client.dispatch(this.shiftedOpts!, next);
      return;
    }
    this.idle.push(client);
    this.wakeClose();
  }

  /** Hands idle connections to waiting requests (after failures, outside undici's error handling). */
  private readonly serveWaiting = (): void => {
    this.serving = false;
    while (this.head < this.waiting.length && !this.destroyed) {
      const client = this.idle.pop();
      if (client === undefined) return;
      const next = this.shift();
      next.lane = client;
      client.dispatch(this.shiftedOpts!, next);
    }
    this.wakeClose();
  };

  private wakeClose(): void {
    if (this.drained !== undefined && this.head >= this.waiting.length) {
      const done = this.drained;
      this.drained = undefined;
      done();
    }
  }

  /** The oldest waiting request's handler; its options in `shiftedOpts` (no pair allocated per request). */
  private shift(): LaneHandler {
    this.shiftedOpts = this.waiting[this.head] as Dispatcher.DispatchOptions;
    const next = this.waiting[this.head + 1] as LaneHandler;
    this.waiting[this.head] = this.waiting[this.head + 1] = undefined as never;
    this.head += 2;
    if (this.head === this.waiting.length) {
      this.waiting.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.head);
      this.head = 0;
    }
    return next;
  }

  async close(): Promise<void> {
    if (this.head < this.waiting.length) {
      await new Promise<void>((resolve) => {
        this.drained = resolve;
      });
    }
    await Promise.all(this.all.map((c) => c.close()));
  }

  async destroy(): Promise<void> {
    this.destroyed = true;
    const waiting = this.waiting.slice(this.head);
    this.waiting = [];
    this.head = 0;
    for (let i = 1; i < waiting.length; i += 2) {
      (waiting[i] as LaneHandler).onError?.(new errors.ClientDestroyedError());
    }
    await Promise.all(this.all.map((c) => c.destroy()));
    this.drained?.();
  }
}
