import { createServer } from "node:net";

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

export interface WaitForHttpOptions {
  timeoutMs: number;
  /** Checked between attempts: return a reason to stop waiting (e.g. "the container exited"). */
  giveUp?: () => Promise<string | null>;
}

/** Polls `url` until it answers 2xx; throws, saying why, on timeout or when `giveUp` gives a reason. */
export async function waitForHttp(url: string, { timeoutMs, giveUp }: WaitForHttpOptions): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer yet";
  for (;;) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return response;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last =
        error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    }
    const reason = giveUp ? await giveUp() : null;
    if (reason !== null) throw new Error(`stopped waiting for ${url}: ${reason} (last attempt: ${last})`);
    if (Date.now() > deadline)
      throw new Error(`${url} did not answer 2xx within ${timeoutMs / 1000} s (last attempt: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
