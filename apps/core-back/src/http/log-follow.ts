import { once } from "node:events";
import type { Response } from "express";

/**
 * Writes a followed log to the answer as it comes, minding back-pressure, and ends the
 * answer once the log ends. When the client goes away it aborts `hangUp`, which stops the
 * log's reader; it leaves no listener behind.
 */
export async function writeFollowed(log: AsyncIterable<Buffer>, res: Response, hangUp: AbortController): Promise<void> {
  const onClose = (): void => hangUp.abort();
  res.on("close", onClose);
  try {
    for await (const chunk of log) {
      if (hangUp.signal.aborted) break;
      if (!res.write(chunk)) await once(res, "drain");
    }
  } finally {
    res.off("close", onClose);
  }
  if (!hangUp.signal.aborted) res.end();
}
