import { request } from "node:http";
import { FORWARDING_HEADERS } from "@app-building/server-edge";
import { fuzz } from "@app-building/server-edge/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRuntime, tempDir, TOKEN, type RuntimeProcess } from "./helpers/runtime-process.js";

// The runtime's edge on the real process: who gets in with which token, what a browser page
// cannot do, the loopback rule of a runtime started without a token, and a fuzz of every route.

const TASKS_TOKEN = "test-tasks-token-0123456789";
const AGENT = { AGENT: "command", AGENT_COMMAND: JSON.stringify([process.execPath, "-e", "console.log('ok')"]) };

/** One raw request: any Host, any header. */
function raw(
  rt: RuntimeProcess,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; error: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port: rt.port, method, path, headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => {
        let error: string | undefined;
        try {
          error = (JSON.parse(text) as { error?: string }).error;
        } catch {
          error = undefined;
        }
        resolve({ status: res.statusCode ?? 0, error });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Everything the runtime has been asked to do: messages and tasks queued, running or done. */
async function work(rt: RuntimeProcess): Promise<number> {
  const { body } = await rt.api<{
    iteration: number;
    queueLength: number;
    pendingTasks: number;
    currentMessageId: string | null;
  }>("/status");
  return body.iteration + body.queueLength + body.pendingTasks + (body.currentMessageId === null ? 0 : 1);
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const JSON_TYPE = { "content-type": "application/json" };

describe("a runtime with a container token", () => {
  let rt: RuntimeProcess;
  beforeAll(async () => {
    rt = await startRuntime({
      ...AGENT,
      TASKS_TOKEN,
      DATA_DIR: tempDir("edge-data"),
      WORKSPACE_DIR: tempDir("edge-ws"),
    });
  });
  afterAll(async () => {
    await rt.kill();
  });

  it("answers /health to anyone and nothing else without a token, even on loopback", async () => {
    expect((await raw(rt, "GET", "/health", { host: "rebind.attacker.example" })).status).toBe(200);
    for (const path of ["/status", "/events", "/logs", "/tasks", "/message/x", "/openapi.json"]) {
      expect(await raw(rt, "GET", path), path).toEqual({ status: 401, error: "unauthorized" });
    }
  });

  it("refuses what a browser page could send, even with a token, and queues nothing", async () => {
    const before = await work(rt);
    expect(before).toBe(0);
    for (const token of [TOKEN, TASKS_TOKEN]) {
      for (const path of ["/message", "/tasks"]) {
        const auth = bearer(token);
        const body = '{"prompt":"from a page"}';
        if (token === TASKS_TOKEN && path === "/message") continue;
        expect(await raw(rt, "POST", path, { ...auth, "content-type": "text/plain" }, body)).toEqual({
          status: 415,
          error: "unsupported_media_type",
        });
        expect(
          await raw(rt, "POST", path, { ...auth, "content-type": "application/x-www-form-urlencoded" }, body),
        ).toMatchObject({
          status: 415,
        });
        expect(await raw(rt, "POST", path, { ...auth, ...JSON_TYPE, origin: "http://127.0.0.1:5555" }, body)).toEqual({
          status: 403,
          error: "foreign_origin",
        });
        expect(
          await raw(rt, "POST", path, { ...auth, ...JSON_TYPE, "sec-fetch-site": "cross-site" }, body),
        ).toMatchObject({
          status: 403,
        });
      }
    }
    // The tasks token is for the agent on this machine: a rebinding Host is refused with it.
    expect(
      await raw(
        rt,
        "POST",
        "/tasks",
        { ...bearer(TASKS_TOKEN), ...JSON_TYPE, host: "rebind.attacker.example" },
        '{"prompt":"x"}',
      ),
    ).toEqual({ status: 403, error: "forbidden_host" });
    expect(await work(rt)).toBe(before);
  });

  it("lets the tasks token queue and read tasks and nothing else", async () => {
    const created = await raw(rt, "POST", "/tasks", { ...JSON_TYPE, ...bearer(TASKS_TOKEN) }, '{"prompt":"t"}');
    expect(created.status).toBe(201);
    expect((await raw(rt, "GET", "/tasks", bearer(TASKS_TOKEN))).status).toBe(200);
    for (const [method, path] of [
      ["GET", "/status"],
      ["POST", "/message"],
      ["POST", "/stop"],
      ["GET", "/events"],
    ] as const) {
      const body = method === "POST" ? "{}" : undefined;
      expect((await raw(rt, method, path, { ...JSON_TYPE, ...bearer(TASKS_TOKEN) }, body)).status, path).toBe(401);
    }
  });

  it("takes the container token through a proxy with its own Host (the Fly case)", async () => {
    const answer = await raw(rt, "GET", "/status", {
      ...bearer(TOKEN),
      host: "agent-1.fly.dev",
      "fly-client-ip": "203.0.113.1",
    });
    expect(answer.status).toBe(200);
  });

  it("answers 1,000 random requests without credentials, then 1,000 with the token, without a 5xx", async () => {
    const paths = [
      "/health",
      "/message",
      "/message/x",
      "/interrupt",
      "/detach",
      "/stop",
      "/status",
      "/events?offset=0",
      "/logs",
      "/tasks",
      "/tasks/x",
      "/openapi.json",
      "/nope",
    ];
    const anonymous = await fuzz(rt.url, { paths, extraHeaders: [bearer(TASKS_TOKEN)] }, { count: 1000, seed: 7 });
    expect(anonymous.failures.slice(0, 5), JSON.stringify(anonymous.statuses)).toEqual([]);
    // /stop and /detach end the runtime by design: left out once the token lets them work.
    const running = paths.filter((path) => path !== "/stop" && path !== "/detach");
    const tokened = await fuzz(
      rt.url,
      { paths: running, extraHeaders: [bearer(TOKEN), bearer(TOKEN)] },
      { count: 1000, seed: 8 },
    );
    expect(tokened.failures.slice(0, 5), JSON.stringify(tokened.statuses)).toEqual([]);
    expect(Object.keys(tokened.statuses)).toContain("200");
    expect((await raw(rt, "GET", "/health")).status).toBe(200);
    expect(rt.stderr()).not.toMatch(/unexpected error/);
  });
});

describe("a runtime started without a container token", () => {
  let rt: RuntimeProcess;
  beforeAll(async () => {
    rt = await startRuntime({
      ...AGENT,
      CONTAINER_TOKEN: "",
      DATA_DIR: tempDir("edge-open"),
      WORKSPACE_DIR: tempDir("edge-open-ws"),
    });
  });
  afterAll(async () => {
    await rt.kill();
  });

  it("answers loopback callers that name it and carry no forwarding header", async () => {
    expect((await raw(rt, "GET", "/status")).status).toBe(200);
    expect((await raw(rt, "GET", "/status", { host: "localhost" })).status).toBe(200);
    expect(await raw(rt, "GET", "/status", { host: "rebind.attacker.example" })).toEqual({
      status: 403,
      error: "forbidden_host",
    });
  });

  const variants = FORWARDING_HEADERS.flatMap((name) => [name, name.toUpperCase()]);
  it(`refuses every one of ${FORWARDING_HEADERS.length} forwarding headers, in either case`, async () => {
    for (const name of variants) {
      expect(await raw(rt, "GET", "/status", { [name]: "127.0.0.1" }), name).toEqual({
        status: 403,
        error: "not_localhost",
      });
    }
  });
});
