import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { toErrorResponse } from "./error-map.js";
import { edgeBodyLimit, edgeGuard, localCheck } from "./hono.js";

function app(): Hono {
  const hono = new Hono();
  hono.onError((error, c) => {
    const { status, body } = toErrorResponse(error, "failed");
    return c.json(body, status as 400);
  });
  hono.get("/health", (c) => c.json({ ok: true }));
  hono.use(edgeGuard({}, (c) => c.req.path === "/health"));
  hono.use(edgeBodyLimit(16));
  hono.all("/local", (c) => c.json(localCheck(c)));
  hono.post("/echo", async (c) => c.json({ text: await c.req.text() }));
  return hono;
}

describe("the Hono adapter", () => {
  it("applies the Host and state-change rules to every route it guards", async () => {
    const hono = app();
    expect(
      (await hono.request("/echo", { method: "POST", body: "{}", headers: { "content-type": "application/json" } }))
        .status,
    ).toBe(200);
    expect(
      (await hono.request("/echo", { method: "POST", body: "{}", headers: { "content-type": "text/plain" } })).status,
    ).toBe(415);
    const rebound = await hono.request("http://rebind.attacker.example/echo", { method: "POST" });
    expect(rebound.status).toBe(403);
    expect(await rebound.json()).toMatchObject({ error: "forbidden_host" });
    expect((await hono.request("http://rebind.attacker.example/health")).status).toBe(200);
    const big = await hono.request("/echo", {
      method: "POST",
      body: "x".repeat(17),
      headers: { "content-type": "application/json" },
    });
    expect(big.status).toBe(413);
  });

  it("judges loopback by the real socket peer, and a request without one as not local", async () => {
    const hono = app();
    expect(await (await hono.request("/local")).json()).toMatchObject({ local: false, reason: "remote_peer" });
    const server = serve({ fetch: hono.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      expect(await (await fetch(`http://127.0.0.1:${port}/local`)).json()).toEqual({ local: true });
      const proxied = await fetch(`http://127.0.0.1:${port}/local`, { headers: { "CF-Connecting-IP": "1.2.3.4" } });
      expect(await proxied.json()).toMatchObject({ local: false, reason: "proxied", header: "cf-connecting-ip" });
    } finally {
      server.close();
    }
  });
});
