import { randomUUID } from 'node:crypto';
import type { AadstsCode } from '../protocol/aadsts.js';
import type { TokenErrorBody } from '../protocol/token.js';
import type { Clock } from './options.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids Entra puts on every reply: its own trace id, and the caller's correlation id when it sent one. */
export interface ReplyIds {
  readonly traceId: string;
  readonly correlationId: string;
}

export function replyIds(clientRequestId: string | undefined): ReplyIds {
  const traceId = randomUUID();
  const correlationId =
    clientRequestId !== undefined && GUID.test(clientRequestId) ? clientRequestId : randomUUID();
  return { traceId, correlationId };
}

/** Entra's timestamp format (`2024-05-01 10:11:12Z`), formatted once per second. */
export class Stamp {
  private second = -1;
  private text = '';

  constructor(private readonly clock: Clock) {}

  now(): string {
    const ms = this.clock.now();
    const second = Math.floor(ms / 1000);
    if (second !== this.second) {
      this.second = second;
      this.text = `${new Date(second * 1000).toISOString().slice(0, 19).replace('T', ' ')}Z`;
    }
    return this.text;
  }
}

/** Fills `{name}` placeholders of an AADSTS message. */
function fillMessage(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole);
}

/** Codes whose body tells the client what to do next (`suberror`), as Entra's 50076 does. */
const SUBERRORS: ReadonlyMap<number, string> = new Map([[50076, 'basic_action']]);

/** The JSON body of an Entra token-endpoint error. */
export function errorBody(
  entry: AadstsCode,
  vars: Readonly<Record<string, string>>,
  ids: ReplyIds,
  timestamp: string,
): TokenErrorBody {
  const suberror = SUBERRORS.get(entry.code);
  return {
    error: entry.error,
    error_description:
      `AADSTS${entry.code}: ${fillMessage(entry.message, vars)}\r\n` +
      `Trace ID: ${ids.traceId}\r\nCorrelation ID: ${ids.correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [entry.code],
    timestamp,
    trace_id: ids.traceId,
    correlation_id: ids.correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${entry.code}`,
    ...(suberror !== undefined ? { suberror } : {}),
  };
}
