/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- response bodies are checked against the OpenAPI document, then read loosely */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { LOG_TAIL_BYTES } from "../src/deploy/log-tail.js";
import { useTestServer } from "./http-harness.js";

const { fx, server } = useTestServer();
const DEPLOY = "/api/v1/self/deploy";

describe("POST /api/v1/self/deploy", () => {
  it("builds the platform scope and answers 200 with the outcome and the log tail", async () => {
    fx.setSlowDelay(0);
    const { status, body } = await server.call("POST", DEPLOY, { body: { scope: "platform", sessionId: "agent-1" } });
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, status: "ok", scope: "platform", exitCode: 0, errorSummary: null });
    expect(body.durationMs).toBeGreaterThan(0);
    expect(body.logTail).toContain("@fx/app:build");
    expect(Buffer.byteLength(body.logTail)).toBeLessThanOrEqual(LOG_TAIL_BYTES);
    const row = await server.call("GET", `/deploy/${body.deployId}`, { key: server.adminKey, route: "/deploy/{id}" });
    expect(row.body).toMatchObject({ sessionId: "agent-1", requestedBy: null, status: "ok", phase: "done" });
  });

  it("answers 500 with the TypeScript error's file and line in errorSummary when the build breaks", async () => {
    fx.breakLib();
    try {
      const { status, body } = await server.call("POST", DEPLOY, { body: {} });
      expect(status).toBe(500);
      expect(body).toMatchObject({ ok: false, status: "error", scope: "platform" });
      expect(body.exitCode).toBeGreaterThan(0);
      expect(body.errorSummary).toContain("@fx/lib#build");
      expect(body.errorSummary).toMatch(/src\/index\.ts\(2,14\): error TS2322/);
      expect(body.logTail).toContain("error TS2322");
    } finally {
      fx.fixLib();
    }
  });

  it("lets 20 concurrent calls share at most two builds, and answers every one", async () => {
    fx.setSlowDelay(300);
    const runsBefore = fx.slowRuns().length;
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => server.call("POST", DEPLOY, { body: { sessionId: `s${i}` } })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.body.deployId)).size).toBeLessThanOrEqual(2);
    expect(fx.slowRuns().length - runsBefore).toBeLessThanOrEqual(2);
  });

  it("gives a call made during a running build a later build, which includes the caller's edits", async () => {
    fx.setSlowDelay(1500);
    const runsBefore = fx.slowRuns().length;
    const first = await server.call("POST", `${DEPLOY}?wait=false`, { body: {} });
    expect(first.status).toBe(202);
    await expect.poll(() => fx.slowRuns().length, { timeout: 15_000 }).toBe(runsBefore + 1);
    fx.breakLib();
    const calledAt = Date.now();
    const second = await server.call("POST", DEPLOY, { body: {} });
    fx.fixLib();
    expect(second.body.deployId).not.toBe(first.body.deployId);
    expect(second.status).toBe(500);
    expect(second.body.errorSummary).toMatch(/error TS2322/);
    const row = await server.call("GET", `/deploy/${second.body.deployId}`, {
      key: server.adminKey,
      route: "/deploy/{id}",
    });
    expect(Date.parse(row.body.startedAt)).toBeGreaterThanOrEqual(calledAt);
    const firstRow = await server.call("GET", `/deploy/${first.body.deployId}`, {
      key: server.adminKey,
      route: "/deploy/{id}",
    });
    expect(firstRow.body.status).toBe("ok");
  });

  it("answers ?wait=false with 202 at once, then 409 with the running deploy's id while it builds", async () => {
    fx.setSlowDelay(1500);
    const accepted = await server.call("POST", `${DEPLOY}?wait=false`, { body: { scope: "auto" } });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ status: "queued", scope: "platform", joined: false });
    await expect.poll(() => server.service.runningId(), { timeout: 10_000 }).toBe(accepted.body.deployId);
    const refused = await server.call("POST", `${DEPLOY}?wait=false`, { body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: "build_in_progress", deployId: accepted.body.deployId });
    await server.service.waitForDone(accepted.body.deployId, 30_000);
  });

  it("refuses scope all in restricted mode and builds it once an admin allows unrestricted mode", async () => {
    fx.setSlowDelay(0);
    const refused = await server.call("POST", DEPLOY, { body: { scope: "all" } });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe("unrestricted_required");

    const changed = await server.call("PUT", "/deploy/mode", { key: server.adminKey, body: { mode: "unrestricted" } });
    expect(changed.body).toEqual({ mode: "unrestricted" });
    try {
      const built = await server.call("POST", DEPLOY, { body: { scope: "auto" } });
      expect(built.status).toBe(200);
      expect(built.body.scope).toBe("all");
    } finally {
      await server.call("PUT", "/deploy/mode", { key: server.adminKey, body: { mode: "restricted" } });
    }
  });

  it("keeps building when the caller hangs up, and leaves no listener behind", async () => {
    fx.setSlowDelay(1500);
    const abort = new AbortController();
    const call = fetch(`${server.url}${DEPLOY}`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json", authorization: `Bearer ${server.deployToken}` },
      signal: abort.signal,
    }).catch(() => "hung up");
    await expect.poll(() => server.service.runningId(), { timeout: 10_000 }).toBeDefined();
    const id = server.service.runningId()!;
    expect(server.service.listenerCount("done")).toBe(1);
    abort.abort();
    expect(await call).toBe("hung up");
    await expect.poll(() => server.service.listenerCount("done")).toBe(0);
    expect((await server.service.waitForDone(id, 30_000)).status).toBe("ok");
  });
});

// Sends one self-deploy, then, on "go" from stdin, 19 more at once, each on a new
// connection; prints the answers and how long sending took as JSON.
const BURST_CLIENT = `
import { request } from "node:http";
import { once } from "node:events";
const url = process.argv[1];
const authorization = "Bearer " + process.argv[2];
const sentAt = [];
function call(i) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "POST", agent: false, headers: { "content-type": "application/json", authorization } }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
    });
    req.on("error", reject);
    req.end(JSON.stringify({ sessionId: "burst-" + i }));
    sentAt.push(performance.now());
  });
}
const first = call(0);
await once(process.stdin, "data");
const rest = Array.from({ length: 19 }, (_, i) => call(i + 1));
const answers = await Promise.all([first, ...rest]);
console.log(JSON.stringify({ answers, spreadMs: Math.max(...sentAt) - Math.min(...sentAt) }));
process.exit(0);
`;

interface BurstResult {
  answers: { status: number; body: { deployId: string } }[];
  spreadMs: number;
}

describe("a burst of self-deploys at the production settle window (10 ms)", () => {
  const { server: burst } = useTestServer({ fx, settleMs: 10, maxSettleMs: 250 });

  /**
   * 20 blocking calls from another process (as an agent's curls come), each on its own
   * connection. Once the server has queued the first, the other 19 are sent while the
   * server is busy for 40 ms, as on a loaded machine (a starved core, a slow synchronous
   * call): they wait unread in its sockets while the settle window's timer falls due.
   */
  async function callBurst(): Promise<BurstResult> {
    const child = spawn(
      process.execPath,
      ["--input-type=module", "-e", BURST_CLIENT, `${burst.url}${DEPLOY}`, burst.deployToken],
      {
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    const exited = once(child, "exit") as Promise<[number | null]>;
    const { service } = burst;
    const start = service.start.bind(service);
    service.start = (input) => {
      const result = start(input);
      service.start = start;
      child.stdin.end("go\n");
      const until = performance.now() + 40;
      while (performance.now() < until) {
        // the server is busy: nothing is read from its sockets meanwhile
      }
      return result;
    };
    try {
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      service.start = start;
    }
    const result = JSON.parse(out) as BurstResult;
    // The premise: the burst was sent within 100 ms.
    expect(result.spreadMs).toBeLessThanOrEqual(100);
    return result;
  }

  it("gives 20 calls made within 100 ms while nothing builds one build, on a server too busy to read them at once", async () => {
    fx.setSlowDelay(0);
    const runsBefore = fx.slowRuns().length;
    const { answers } = await callBurst();
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.body.deployId)).size).toBe(1);
    expect(fx.slowRuns().length - runsBefore).toBe(1);
  });

  it("gives 20 calls made within 100 ms while a build runs exactly one more build", async () => {
    fx.setSlowDelay(1500);
    const runsBefore = fx.slowRuns().length;
    const running = await burst.call("POST", `${DEPLOY}?wait=false`, { body: {} });
    expect(running.status).toBe(202);
    await expect.poll(() => fx.slowRuns().length, { timeout: 15_000 }).toBe(runsBefore + 1);
    const { answers } = await callBurst();
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const ids = new Set(answers.map((a) => a.body.deployId));
    expect(ids.size).toBe(1);
    expect(ids.has(running.body.deployId)).toBe(false);
    expect(fx.slowRuns().length - runsBefore).toBe(2);
  });
});

describe("who may call the self-deploy", () => {
  it.each([
    ["X-Forwarded-For", "127.0.0.1"],
    ["Forwarded", "for=127.0.0.1"],
    ["X-Real-IP", "127.0.0.1"],
  ])("refuses a loopback request carrying %s, as a proxied request is not local", async (header, value) => {
    const { status, body } = await server.call("POST", DEPLOY, { body: {}, headers: { [header]: value } });
    expect(status).toBe(403);
    expect(body.error).toBe("not_localhost");
  });

  it("needs the self-deploy token: none, a wrong one or an admin's API key start nothing", async () => {
    const before = server.service.list(100).items.length;
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Bearer wrong" },
      { "x-api-key": server.adminKey },
    ];
    for (const headers of attempts) {
      const { status, body } = await server.call("POST", DEPLOY, { body: {}, headers, noDeployToken: true });
      expect(status).toBe(401);
      expect(body.error).toBe("unauthorized");
      expect(body.message).toContain("APP_BUILDING_DEPLOY_TOKEN");
    }
    expect(server.service.list(100).items.length).toBe(before);
  });

  it("refuses what a browser page could send: a text/plain body, a foreign Origin, a rebinding Host", async () => {
    const before = server.service.list(100).items.length;
    const plain = await server.call("POST", DEPLOY, { raw: "{}", headers: { "content-type": "text/plain" } });
    expect([plain.status, plain.body.error]).toEqual([415, "unsupported_media_type"]);
    const foreign = await server.call("POST", DEPLOY, { body: {}, headers: { origin: "http://127.0.0.1:5555" } });
    expect([foreign.status, foreign.body.error]).toEqual([403, "foreign_origin"]);
    const site = await server.call("POST", DEPLOY, { body: {}, headers: { "sec-fetch-site": "same-site" } });
    expect([site.status, site.body.error]).toEqual([403, "foreign_origin"]);
    expect(server.service.list(100).items.length).toBe(before);
  });
});

describe("loopback peers over IPv6", () => {
  const { server: dualStack } = useTestServer({ fx, host: "::" });

  it("counts ::1 and IPv4-mapped 127.0.0.1 (a dual-stack listener) as local", async () => {
    const port = new URL(dualStack.url).port;
    for (const url of [`http://127.0.0.1:${port}/health`, `http://[::1]:${port}/health`]) {
      const body = (await (await fetch(url)).json()) as { local: boolean };
      expect(body.local, url).toBe(true);
    }
    const proxied = await fetch(`http://127.0.0.1:${port}/api/v1/self/deploy`, {
      method: "POST",
      body: "{}",
      headers: {
        "x-forwarded-for": "203.0.113.7",
        "content-type": "application/json",
        authorization: `Bearer ${dualStack.deployToken}`,
      },
    });
    expect(proxied.status).toBe(403);
  });
});

describe("bad input gets a 4xx JSON error, never a 5xx", () => {
  it.each([
    [
      "malformed JSON",
      { raw: "{scope: platform", headers: { "content-type": "application/json" } },
      400,
      "invalid_json",
    ],
    ["a JSON primitive", { raw: "42", headers: { "content-type": "application/json" } }, 400, "invalid_json"],
    ["an array", { body: [1] }, 400, "invalid_body"],
    ["an unknown scope", { body: { scope: "everything" } }, 400, "invalid_scope"],
    ["a scope of the wrong type", { body: { scope: 7 } }, 400, "invalid_scope"],
    ["a sessionId of the wrong type", { body: { sessionId: 5 } }, 400, "invalid_body"],
    ["an unknown field", { body: { scope: "platform", force: true } }, 400, "invalid_body"],
    ["a body over the limit", { raw: JSON.stringify({ sessionId: "x".repeat(100_000) }) }, 413, "payload_too_large"],
  ])("%s", async (_what, options, status, code) => {
    const answer = await server.call("POST", DEPLOY, options);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe(code);
    if (code === "invalid_body" && _what.includes("sessionId")) expect(answer.body.message).toContain('"sessionId"');
    if (_what === "an unknown field") expect(answer.body.message).toContain('"force"');
  });

  it("refuses an unknown ?wait value", async () => {
    const answer = await server.call("POST", `${DEPLOY}?wait=maybe`, { body: {} });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe("invalid_query");
  });

  it("answers a huge chunked body with 413 and stays up", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}${DEPLOY}`, {
        method: "POST",
        headers: {
          "transfer-encoding": "chunked",
          "content-type": "application/json",
          authorization: `Bearer ${server.deployToken}`,
        },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      const chunk = "x".repeat(64 * 1024);
      for (let i = 0; i < 64; i += 1) req.write(chunk); // 4 MB
      req.end();
    });
    expect(status).toBe(413);
    expect((await server.call("GET", "/health")).status).toBe(200);
  });

  it("answers a body that cannot be decompressed with a 400", async () => {
    const answer = await server.call("POST", DEPLOY, {
      raw: "definitely not gzip",
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
    });
    expect(answer.status).toBe(400);
  });

  it("answers a malformed percent-encoding in the path with a 400, not a 500", async () => {
    const answer = await server.call("GET", "/deploy/%E0%A4%A", { key: server.adminKey, route: "/deploy/{id}" });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe("bad_request");
  });

  it("answers an unknown route with a JSON 404", async () => {
    const response = await fetch(`${server.url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: "not_found" });
  });
});
