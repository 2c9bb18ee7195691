/**
 * Microsoft Graph's `signIn` resource (auditLogs/signIns), the part the simulator serves and the harness reads:
 * who signed in, when, with which correlation id, how it ended, which PTA agent validated the password.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** The Graph scope an app-only token for the sign-in logs asks for. */
export const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';
/** Application permission the sign-in logs need (and an Entra ID P1 or P2 licence). */
export const SIGNIN_LOG_PERMISSION = 'AuditLog.Read.All';
/** Graph pages hold at most this many sign-ins. */
export const MAX_PAGE = 1000;

/** How the sign-in logs name PTA in `authenticationMethodDetail` (PTA FAQ: "Pass-through Authentication; PTA AgentId: <GUID>"). */
const PTA_METHOD_DETAIL = 'Pass-through Authentication';
const AGENT_ID_RE = /PTA\s*Agent\s*Id\s*:\s*([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/i;
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const authDetailSchema = z.looseObject({
  authenticationMethod: z.string().nullish(),
  authenticationMethodDetail: z.string().nullish(),
  succeeded: z.boolean().nullish(),
  authenticationStepDateTime: z.string().nullish(),
});
const keyValueSchema = z.looseObject({ key: z.string().nullish(), value: z.string().nullish() });

export const signInSchema = z.looseObject({
  id: z.string(),
  createdDateTime: z.string(),
  userPrincipalName: z.string().nullish(),
  appId: z.string().nullish(),
  correlationId: z.string().nullish(),
  ipAddress: z.string().nullish(),
  status: z.looseObject({ errorCode: z.number().int(), failureReason: z.string().nullish() }).nullish(),
  authenticationDetails: z.array(authDetailSchema).nullish(),
  authenticationProcessingDetails: z.array(keyValueSchema).nullish(),
  processingTimeInMilliseconds: z.number().nullish(),
  signInEventTypes: z.array(z.string()).nullish(),
});
export type GraphSignIn = z.infer<typeof signInSchema>;

/** A page of a Graph collection. */
export const signInPageSchema = z.looseObject({
  value: z.array(signInSchema),
  '@odata.nextLink': z.string().optional(),
});

/**
 * The PTA agent that validated a sign-in's password, from its authentication details (or, failing that, the
 * processing details), lower-cased; undefined when no agent was involved (a lockout, an unknown user).
 */
export function ptaAgentId(s: GraphSignIn): string | undefined {
  for (const d of s.authenticationDetails ?? []) {
    const m = AGENT_ID_RE.exec(d.authenticationMethodDetail ?? '');
    if (m) return m[1]!.toLowerCase();
  }
  for (const kv of s.authenticationProcessingDetails ?? []) {
    const text = `${kv.key ?? ''}: ${kv.value ?? ''}`;
    const m = AGENT_ID_RE.exec(text);
    if (m) return m[1]!.toLowerCase();
    if (/agent/i.test(kv.key ?? '') && GUID_RE.test(kv.value ?? '')) return kv.value!.toLowerCase();
  }
  return undefined;
}

/** The detail line the sign-in logs carry for a PTA validation by `agentId`. */
export function ptaMethodDetail(agentId: string): string {
  return `${PTA_METHOD_DETAIL}; PTA AgentId: ${agentId}`;
}

/**
 * A stable agent GUID for a simulated agent's name (name-based, RFC 4122 version 5 layout), so the simulator
 * and the harness agree on it without being told; real agents' GUIDs come from the profile (`agents[].agentId`).
 */
export function simAgentId(name: string): string {
  const h = createHash('sha1').update(`ptaload-sim-agent:${name}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
