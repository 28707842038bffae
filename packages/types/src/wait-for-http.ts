import { setTimeout as sleep } from "node:timers/promises";

/**
 * How {@link waitForHttp} waits.
 *
 * @example
 * ```ts
 * import { waitForHttp, type WaitForHttpOptions } from "@app-building/types/wait-for-http";
 * const patient: WaitForHttpOptions = { timeoutMs: 60_000, intervalMs: 20, maxIntervalMs: 500 };
 * await waitForHttp("http://127.0.0.1:4100/health", patient);
 * ```
 */
export interface WaitForHttpOptions {
  /** How long to keep trying. */
  timeoutMs: number;
  /** The pause after the first attempt that got no 2xx (default 250 ms). */
  intervalMs?: number;
  /** The pause doubles after each attempt up to this (default `intervalMs`: the same pause every time). */
  maxIntervalMs?: number;
  /** How long one attempt may take (default 5 s), never past the deadline by more than half a second. */
  attemptTimeoutMs?: number;
  /** Headers every attempt sends (e.g. `fly-force-instance-id`, to reach one machine behind an app's address). */
  headers?: Record<string, string>;
  /** Checked between attempts: return a reason to stop waiting (e.g. "the container exited"). */
  giveUp?: () => string | null | Promise<string | null>;
  /**
   * Checked on each 2xx: return why it does not count yet (e.g. `answered from release
   * A, not B`) to keep waiting, that text becoming the attempt's result; `null` accepts
   * it. It may read the body; the response is then returned with its body read.
   */
  accept?: (response: Response) => string | null | Promise<string | null>;
}

/**
 * Why {@link waitForHttp} stopped without a 2xx: the time was up (`timeout`), or `giveUp`
 * gave a `reason`. `lastAttempt` says what the last attempt got (`HTTP 503`, `ECONNREFUSED`, ...).
 *
 * @example
 * ```ts
 * import { HttpWaitError, waitForHttp } from "@app-building/types/wait-for-http";
 * const up = await waitForHttp("http://127.0.0.1:4100/health", { timeoutMs: 10_000 }).then(
 *   () => true,
 *   (error: unknown) => (error instanceof HttpWaitError ? false : Promise.reject(error)),
 * );
 * ```
 */
export class HttpWaitError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly lastAttempt: string,
    /** What `giveUp` said; `null` when the time was up. */
    readonly reason: string | null,
  ) {
    super(message);
    this.name = "HttpWaitError";
  }

  /** True when the time was up (not `giveUp`). */
  get timedOut(): boolean {
    return this.reason === null;
  }
}

/** What a failed fetch says: the system error fetch keeps as its cause (ECONNREFUSED, ...), else its message. */
function failureOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.cause instanceof Error ? error.cause.message : error.message;
}

/**
 * Polls `url` with GET until it answers 2xx, and returns that response (its body unread):
 * a server coming up, `waitForHttp(`${url}/health`, ...)`. Throws {@link HttpWaitError},
 * saying why and what the last attempt got, when the time is up or `giveUp` gives a reason.
 *
 * @example
 * ```ts
 * import { spawn } from "node:child_process";
 * import { waitForHttp } from "@app-building/types/wait-for-http";
 * const child = spawn(process.execPath, ["dist/main.js"], { env: { ...process.env, PORT: "4100" } });
 * const health = await waitForHttp("http://127.0.0.1:4100/health", {
 *   timeoutMs: 30_000,
 *   giveUp: () => (child.exitCode === null ? null : `the server exited (${child.exitCode})`),
 * });
 * console.log(await health.json());
 * ```
 */
export async function waitForHttp(url: string, options: WaitForHttpOptions): Promise<Response> {
  const { timeoutMs, intervalMs = 250, headers, giveUp, accept } = options;
  const maxIntervalMs = Math.max(intervalMs, options.maxIntervalMs ?? intervalMs);
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 5_000;
  const deadline = Date.now() + timeoutMs;
  let pause = intervalMs;
  let last = "no answer yet";
  for (;;) {
    try {
      const response = await fetch(url, {
        headers,
        signal: AbortSignal.timeout(Math.max(500, Math.min(attemptTimeoutMs, deadline - Date.now()))),
      });
      const refused = !response.ok ? `HTTP ${response.status}` : accept ? await accept(response) : null;
      if (refused === null) return response;
      if (!response.bodyUsed) await response.body?.cancel();
      last = refused;
    } catch (error) {
      last = failureOf(error);
    }
    const reason = giveUp ? await giveUp() : null;
    if (reason !== null) {
      throw new HttpWaitError(`stopped waiting for ${url}: ${reason} (last attempt: ${last})`, url, last, reason);
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new HttpWaitError(
        `${url} did not answer 2xx within ${timeoutMs / 1000} s (last attempt: ${last})`,
        url,
        last,
        null,
      );
    }
    await sleep(Math.min(pause, left));
    pause = Math.min(pause * 2, maxIntervalMs);
  }
}
