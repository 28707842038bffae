import { isAllowedHost } from "./host.js";
import type { HeaderMap } from "./headers.js";
import { refusals, type Refusal } from "./refusal.js";
import { checkStateChange, type StateChangeOptions } from "./state-change.js";

/** What a server's edge enforces on every request (but the health probe). */
export interface EdgePolicy {
  /** The server's own host names besides loopback literals and `localhost` (lower case, no port). */
  ownHostNames?: readonly string[];
  /** What state-changing requests must look like. */
  stateChange?: StateChangeOptions;
}

/** A request as the edge sees it. */
export interface EdgeRequest {
  method: string;
  host: string | undefined;
  headers: HeaderMap;
}

/**
 * The `Host` rule, then the state-changing-request rule.
 *
 * @returns `undefined` when the request may go on, else why not.
 * @example
 * ```ts
 * const refusal = judgeRequest({ method, host: headers.get("host"), headers }, { ownHostNames: ["core.example"] });
 * ```
 */
export function judgeRequest(request: EdgeRequest, policy: EdgePolicy = {}): Refusal | undefined {
  if (!isAllowedHost(request.host, policy.ownHostNames)) return refusals.forbiddenHost(request.host);
  return checkStateChange(request, policy.stateChange);
}
