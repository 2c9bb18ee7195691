/**
 * The wire protocol shared by the harness and the simulated tenant: the token reply shapes (the AADSTS
 * codes live in aadsts.ts). The simulator imports nothing else of the harness.
 */

/** Response header in which the simulator names the agent that validated the password. Real tenants never send it. */
export const AGENT_HEADER = 'x-ptaload-agent';

export interface TokenErrorBody {
  readonly error: string;
  /** `AADSTSnnnnn: message\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …` */
  readonly error_description: string;
  readonly error_codes: readonly number[];
  readonly timestamp: string;
  readonly trace_id: string;
  readonly correlation_id: string;
  readonly error_uri: string;
  /** 50076 and friends: what the client should do next (`basic_action`). */
  readonly suberror?: string;
}
