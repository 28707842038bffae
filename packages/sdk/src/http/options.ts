import type { AgentState, ContainerConfig } from "../state.js";

/**
 * Options of {@link httpGet} and {@link httpPost}.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, httpGet, httpOptsFor, type HttpOptions } from "@app-building/sdk";
 * const state = await new FileContainerRegistry().find("app-building-3f2a9c01d4");
 * if (state === null) throw new Error("app-building-3f2a9c01d4 is not in the registry");
 * // A quick probe: one retry, 5 s an attempt, 15 s in all.
 * const opts: HttpOptions = { ...httpOptsFor(state), timeout: 5_000, retries: 1, signal: AbortSignal.timeout(15_000) };
 * const status = await httpGet(`${state.baseUrl}/status`, opts);
 * ```
 */
export interface HttpOptions {
  /** Extra request headers (the container's bearer token, `fly-force-instance-id`, ...). */
  headers?: Record<string, string>;
  /** Milliseconds one attempt may take (default 30 s). */
  timeout?: number;
  /**
   * How many times a failed attempt is retried (default 3 for GET, and for a POST that
   * carries an idempotency key; a POST without one is never retried).
   */
  retries?: number;
  /** Makes a POST safe to retry: the server answers a repeat with the first result. */
  idempotencyKey?: string;
  /** Cancels the request. */
  signal?: AbortSignal;
}

/**
 * The headers every request to a container needs: its bearer token, and for Fly
 * machines `fly-force-instance-id` so the request reaches that machine and no other.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, httpGet, httpOptsFor } from "@app-building/sdk";
 * const state = await new FileContainerRegistry().find("app-building-3f2a9c01d4");
 * if (state === null) throw new Error("app-building-3f2a9c01d4 is not in the registry");
 * const status = await httpGet(`${state.baseUrl}/status`, httpOptsFor(state));
 * ```
 */
export function httpOptsFor(state: Pick<AgentState, "token" | "flyMachineId">): HttpOptions & {
  headers: Record<string, string>;
} {
  const headers: Record<string, string> = { authorization: `Bearer ${state.token}` };
  if (state.flyMachineId !== undefined && state.flyMachineId !== "") {
    headers["fly-force-instance-id"] = state.flyMachineId;
  }
  return { headers };
}

/**
 * The headers a request to a container needs, for callers that hold the config (the
 * seed's `containerHttpOptions`): the same as {@link httpOptsFor}, since every header a
 * container needs comes from its state.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, containerHttpOptions, httpGet } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry() };
 * const state = await config.registry.find("app-building-3f2a9c01d4");
 * if (state === null) throw new Error("app-building-3f2a9c01d4 is not in the registry");
 * // The container's token, and a Fly machine's instance id: all from its state.
 * const status = await httpGet(`${state.baseUrl}/status`, containerHttpOptions(config, state));
 * ```
 */
export function containerHttpOptions(
  _config: ContainerConfig,
  state: Pick<AgentState, "token" | "flyMachineId">,
): HttpOptions & { headers: Record<string, string> } {
  return httpOptsFor(state);
}
