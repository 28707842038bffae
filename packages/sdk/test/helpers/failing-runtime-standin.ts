import { createServer, type Server } from "node:http";
import type { Socket } from "node:net";

/**
 * A loopback stand-in for a container runtime that fails every request, in one of the
 * two ways a transient failure reaches the SDK: a `503` answer, or a connection closed
 * before any answer. It records each request it sees, so a test can count retries.
 */
export interface FailingRuntimeStandIn {
  url: string;
  /** Requests seen, as `METHOD path`, in arrival order. */
  requests: string[];
  close(): Promise<void>;
}

export type Failure = "503" | "closes the connection";

export async function startFailingRuntimeStandIn(failure: Failure): Promise<FailingRuntimeStandIn> {
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method ?? "?"} ${req.url ?? "?"}`);
    req.resume();
    if (failure === "503") {
      res.writeHead(503, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "unavailable", message: "the stand-in always answers 503" }));
    } else {
      req.socket.destroy();
    }
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no stand-in address");
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
