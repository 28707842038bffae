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

// The suites wait for servers with the product's own wait, so there is one.
export { HttpWaitError, waitForHttp, type WaitForHttpOptions } from "@app-building/types/wait-for-http";
