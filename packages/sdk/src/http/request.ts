import { setTimeout as sleep } from "node:timers/promises";
import { AppBuildingError, errorFromNetworkFailure, errorFromResponse, SDK_ERROR_CODES } from "../errors.js";
import type { HttpOptions } from "./options.js";

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;

/** Delay before retry `attempt` (1-based): 100, 200, 400 ms ... capped at 2 s, with jitter. */
export function backoffDelay(attempt: number): number {
  const base = Math.min(100 * 2 ** (attempt - 1), 2_000);
  return base / 2 + Math.random() * (base / 2);
}

/**
 * One JSON request with the SDK's retry rule: an attempt that fails with a retryable
 * error (no answer, 5xx, 429, timeout) is retried only when `retryable` is true.
 */
export async function requestJson(
  method: "GET" | "POST" | "DELETE",
  url: string,
  body: unknown,
  opts: HttpOptions,
  retryable: boolean,
): Promise<unknown> {
  const retries = retryable ? (opts.retries ?? DEFAULT_RETRIES) : 0;
  const label = `${method} ${url}`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await attemptJson(method, url, body, opts, label);
    } catch (error) {
      const mapped = error instanceof AppBuildingError ? error : errorFromNetworkFailure(error, label);
      if (opts.signal?.aborted === true || !mapped.retryable || attempt >= retries) throw mapped;
      await sleep(backoffDelay(attempt + 1), undefined, { signal: opts.signal });
    }
  }
}

async function attemptJson(
  method: string,
  url: string,
  body: unknown,
  opts: HttpOptions,
  label: string,
): Promise<unknown> {
  const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (opts.idempotencyKey !== undefined) headers["idempotency-key"] = opts.idempotencyKey;
  const timeout = AbortSignal.timeout(opts.timeout ?? DEFAULT_TIMEOUT_MS);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    throw errorFromNetworkFailure(error, label);
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw errorFromNetworkFailure(error, label);
  }
  if (!response.ok) throw errorFromResponse({ status: response.status, bodyText: text, request: label });
  if (text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppBuildingError(`${label} answered ${response.status} with a body that is not JSON`, {
      code: SDK_ERROR_CODES.invalidResponse,
      status: response.status,
      cause: error,
    });
  }
}

/**
 * GET a URL and parse its JSON. Retried on no answer, 5xx, 429 and timeouts (GET is idempotent).
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, httpGet, httpOptsFor } from "@app-building/sdk";
 * const state = await new FileContainerRegistry().find("app-building-3f2a9c01d4");
 * if (state === null) throw new Error("app-building-3f2a9c01d4 is not in the registry");
 * const status = await httpGet(`${state.baseUrl}/status`, httpOptsFor(state));
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- seed-compatible: callers destructure the JSON they expect
export async function httpGet(url: string, opts: HttpOptions = {}): Promise<any> {
  return requestJson("GET", url, undefined, opts, true);
}

/**
 * POST JSON to a URL and parse the JSON answer. Retried only when `opts.idempotencyKey`
 * is set, because only then can a retry not do the work twice.
 *
 * @example
 * ```ts
 * import { randomUUID } from "node:crypto";
 * import { FileContainerRegistry, httpOptsFor, httpPost } from "@app-building/sdk";
 * const state = await new FileContainerRegistry().find("app-building-3f2a9c01d4");
 * if (state === null) throw new Error("app-building-3f2a9c01d4 is not in the registry");
 * const { id } = await httpPost(`${state.baseUrl}/message`, { prompt: "Add a README" }, {
 *   ...httpOptsFor(state),
 *   idempotencyKey: randomUUID(),
 * });
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- seed-compatible: callers destructure the JSON they expect
export async function httpPost(url: string, body?: unknown, opts: HttpOptions = {}): Promise<any> {
  return requestJson("POST", url, body ?? {}, opts, opts.idempotencyKey !== undefined);
}
