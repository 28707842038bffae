import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../env.js";
import { wireRuntime, type Services } from "../wiring.js";
import { createApp } from "./app.js";
import { ROUTES } from "./openapi.js";

const TOKEN = "in-process-token-42";

describe("the container API, in process", () => {
  let services: Services;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "app-"));
    const config = loadConfig({
      CONTAINER_TOKEN: TOKEN,
      AGENT: "command",
      AGENT_COMMAND: "echo ok",
      DATA_DIR: join(dir, "data"),
      WORKSPACE_DIR: join(dir, "ws"),
      PATH: process.env.PATH,
    });
    services = wireRuntime(config);
    await services.runtime.init();
    app = createApp({ runtime: services.runtime, journal: services.journal, token: TOKEN, maxBodyBytes: 4096 });
  });
  afterAll(() => services.close());

  const auth = { authorization: `Bearer ${TOKEN}` };

  it("documents exactly the routes it serves in /openapi.json", async () => {
    const served = app.routes
      .filter((route) => route.method !== "ALL")
      .map((route) => `${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`)
      .sort();
    const documented = ROUTES.map((route) => `${route.method} ${route.path}`).sort();
    expect(served).toEqual(documented);
    const document = (await (await app.request("/openapi.json", { headers: auth })).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>>;
    };
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths).sort()).toEqual([...new Set(ROUTES.map((r) => r.path))].sort());
    expect(JSON.stringify(document.paths["/message"]?.post?.requestBody)).toContain('"prompt"');
    expect(Object.keys(document.paths["/status"]?.get?.responses ?? {})).toEqual(["200", "401", "403"]);
  });

  it("refuses every route but /health without the token", async () => {
    expect((await app.request("/health")).status).toBe(200);
    for (const route of ROUTES.filter((r) => r.auth)) {
      const response = await app.request(route.path.replace("{id}", "x"), { method: route.method.toUpperCase() });
      expect({ path: route.path, status: response.status }).toEqual({ path: route.path, status: 401 });
    }
  });

  it("refuses a body a web page could send, and a foreign Origin, even with the token", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const response = await app.request("/message", {
        method: "POST",
        headers: { ...auth, "content-type": type },
        body: JSON.stringify({ prompt: "from a page" }),
      });
      expect(response.status).toBe(415);
    }
    const foreign = await app.request("/message", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json", origin: "http://127.0.0.1:5555" },
      body: JSON.stringify({ prompt: "from a page" }),
    });
    expect(await foreign.json()).toMatchObject({ error: "foreign_origin" });
    expect(services.runtime.status().queueLength).toBe(0);
  });

  it("answers an oversized body with 413 payload_too_large", async () => {
    const response = await app.request("/message", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x".repeat(5000) }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: "payload_too_large" });
  });

  it("queues a message and shows it in /status before the worker runs", async () => {
    const response = await app.request("/message", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "hello" }),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    expect(
      ((await (await app.request("/status", { headers: auth })).json()) as { queueLength: number }).queueLength,
    ).toBe(1);
    expect(await (await app.request(`/message/${id}`, { headers: auth })).json()).toMatchObject({
      id,
      status: "queued",
      prompt: "hello",
    });
  });
});
