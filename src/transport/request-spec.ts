/** How a worker reaches the token endpoint, as the target describes it and the run sizes it. */
/** How to reach the token endpoint. The client secret, when there is one, lives only in memory. */
export interface RequestSpec {
  readonly origin: string;
  readonly tokenPath: string;
  readonly clientId: string;
  readonly scope: string;
  readonly clientSecret?: string;
  readonly ca?: string;
  readonly proxy?: { readonly uri: string };
  readonly connections: number;
  readonly timeoutMs: number;
}
