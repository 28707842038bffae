import { createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edgeGuard, limitedTextBody, requireLocal, type NodeMiddleware } from "./express.js";
import { toErrorResponse } from "./error-map.js";

/** A bare Node server running middleware in order, then answering with what it read. */
function serve(middleware: NodeMiddleware[]): Server {
  return createServer((req, res) => {
    const run = (index: number, error?: unknown): void => {
      if (error !== undefined) {
        const { status, body } = toErrorResponse(error, "failed");
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
        return;
      }
      const next = middleware[index];
      if (next === undefined) {
        res.writeHead(200).end(JSON.stringify({ body: (req as IncomingMessage & { body?: string }).body ?? null }));
        return;
      }
      next(req, res, (e) => run(index + 1, e));
    };
    run(0);
  });
}

function call(server: Server, options: { method?: string; headers?: Record<string, string>; body?: string }) {
  const { port } = server.address() as AddressInfo;
  return new Promise<{ status: number; body: Record<string, unknown> }>((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, method: options.method ?? "POST", headers: options.headers },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }),
        );
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("the Node/Express adapter", () => {
  const server = serve([edgeGuard(), requireLocal(), limitedTextBody(16)]);
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve)));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("lets a local JSON request through and hands on its body", async () => {
    const answer = await call(server, { headers: { "content-type": "application/json" }, body: "{}" });
    expect(answer).toEqual({ status: 200, body: { body: "{}" } });
  });

  it("refuses a rebinding Host, a foreign Origin, a text/plain body, a proxy header and a big body", async () => {
    const json = { "content-type": "application/json" };
    expect((await call(server, { headers: { ...json, host: "rebind.attacker.example" } })).body.error).toBe(
      "forbidden_host",
    );
    expect((await call(server, { headers: { ...json, origin: "http://127.0.0.1:9" } })).body.error).toBe(
      "foreign_origin",
    );
    expect((await call(server, { headers: { "content-type": "text/plain" }, body: "{}" })).status).toBe(415);
    expect((await call(server, { headers: { ...json, "True-Client-IP": "1.2.3.4" } })).body).toMatchObject({
      error: "not_localhost",
    });
    expect((await call(server, { headers: json, body: "x".repeat(17) })).status).toBe(413);
  });
});
