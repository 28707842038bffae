import { once } from "node:events";
import type { Server } from "node:http";
import type { Express } from "express";
import type { Logger } from "pino";

/** A listening server and how to stop it gracefully. */
export interface RunningServer {
  server: Server;
  port: number;
  /**
   * Stops accepting connections, lets running requests finish within `graceMs`, runs
   * `beforeForce` (which may end them, e.g. by interrupting deploys), then closes what
   * is left.
   */
  close(graceMs: number, beforeForce?: () => Promise<void>): Promise<void>;
}

/** Listens on host:port (port 0 = an ephemeral port). */
export async function listen(app: Express, port: number, host: string, logger: Logger): Promise<RunningServer> {
  const server = app.listen(port, host);
  await once(server, "listening");
  const address = server.address();
  const actualPort = typeof address === "object" && address !== null ? address.port : port;
  logger.info({ url: `http://${host}:${actualPort}` }, "core-back listening");
  return {
    server,
    port: actualPort,
    close: async (graceMs, beforeForce) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections become idle as their requests finish: close each one then.
      server.closeIdleConnections();
      const idleSweep = setInterval(() => server.closeIdleConnections(), 50).unref();
      void closed.then(() => clearInterval(idleSweep));
      const timedOut = await Promise.race([
        closed.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref()),
      ]);
      if (beforeForce !== undefined) await beforeForce();
      if (timedOut) {
        // Give the answers beforeForce caused a moment to flush, then drop the rest.
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 200).unref())]);
        server.closeAllConnections();
      }
      await closed;
    },
  };
}
