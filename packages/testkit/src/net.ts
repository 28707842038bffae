import { createServer } from "node:net";

/**
 * A TCP port free on 127.0.0.1 right now: the system picks it, the listener closes, and the
 * caller binds it next (another process could take it in between; on a test machine that is
 * rare enough).
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("the system gave no port"))));
    });
  });
}

/** How {@link waitForHttp} waits. */
export interface WaitForHttpOptions {
  timeoutMs: number;
  /** Pause between attempts (default 250 ms). */
  intervalMs?: number;
  /** Checked between attempts: return a reason to stop waiting (e.g. "the container exited"). */
  giveUp?: () => string | null | Promise<string | null>;
}

/**
 * Polls `url` until it answers 2xx (a server coming up: `waitForHttp(`${url}/health`, ...)`);
 * throws, saying why and what the last attempt got, on timeout or when `giveUp` gives a reason.
 */
export async function waitForHttp(
  url: string,
  { timeoutMs, intervalMs = 250, giveUp }: WaitForHttpOptions,
): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(Math.min(5_000, timeoutMs)) });
      if (response.ok) return response;
      await response.body?.cancel();
      last = `HTTP ${response.status}`;
    } catch (error) {
      last =
        error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    }
    const reason = giveUp ? await giveUp() : null;
    if (reason !== null) throw new Error(`stopped waiting for ${url}: ${reason} (last attempt: ${last})`);
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer 2xx within ${timeoutMs / 1000} s (last attempt: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
