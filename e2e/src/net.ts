export { freePort } from "@app-building/testkit";

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
