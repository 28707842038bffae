/* eslint-disable @typescript-eslint/no-unsafe-argument -- response bodies are checked against the OpenAPI document, then read loosely */
import { describe, expect, it } from "vitest";
import { processAlive } from "./fixture-workspace.js";
import { useTestServer } from "./http-harness.js";

const { fx, server } = useTestServer();

async function signIn(email: string, password: string): Promise<Response> {
  return fetch(`${server.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url },
    body: JSON.stringify({ email, password }),
  });
}

describe("authentication on /deploy", () => {
  it("answers 401 JSON without credentials and with a wrong API key", async () => {
    const none = await server.call("GET", "/deploy");
    expect(none.status).toBe(401);
    expect(none.body.error).toBe("unauthorized");
    const wrong = await server.call("GET", "/deploy", { key: "not-a-key" });
    expect(wrong.status).toBe(401);
    const bearer = await server.call("GET", "/deploy", { headers: { authorization: "Bearer nope" } });
    expect(bearer.status).toBe(401);
  });

  it("accepts an API key, a bearer token and a session cookie", async () => {
    expect((await server.call("GET", "/deploy", { key: server.userKey })).status).toBe(200);
    const signedIn = await signIn("dev@example.test", "dev-password");
    expect(signedIn.status).toBe(200);
    const token = signedIn.headers.get("set-auth-token");
    expect(token).toBeTruthy();
    expect((await server.call("GET", "/deploy", { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const cookie = signedIn.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    expect((await server.call("GET", "/deploy", { headers: { cookie } })).status).toBe(200);
  });

  it("refuses a wrong password and keeps sign-up closed", async () => {
    expect((await signIn("dev@example.test", "wrong-password")).status).toBe(401);
    const signUp = await fetch(`${server.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email: "x@example.test", password: "password-123", name: "X" }),
    });
    expect(signUp.status).toBeGreaterThanOrEqual(400);
    expect(signUp.status).toBeLessThan(500);
  });

  it("lets only admins read or change the deploy mode", async () => {
    const asUser = await server.call("GET", "/deploy/mode", { key: server.userKey });
    expect(asUser.status).toBe(403);
    expect(asUser.body.error).toBe("forbidden");
    expect(
      (await server.call("PUT", "/deploy/mode", { key: server.userKey, body: { mode: "unrestricted" } })).status,
    ).toBe(403);
    expect((await server.call("GET", "/deploy/mode", { key: server.adminKey })).body).toEqual({ mode: "restricted" });
    const bad = await server.call("PUT", "/deploy/mode", { key: server.adminKey, body: { mode: "wide open" } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('"mode"');
  });
});

describe("deploys through /deploy", () => {
  it("starts a deploy as the signed-in user, streams its log until it ends, and shows it in the list", async () => {
    fx.setSlowDelay(800);
    const started = await server.call("POST", "/deploy", { key: server.userKey, body: { scope: "platform" } });
    expect(started.status).toBe(202);
    const id = started.body.deployId as string;

    const log = await fetch(`${server.url}/deploy/${id}/log?follow=1`, { headers: { "x-api-key": server.userKey } });
    expect(log.status).toBe(200);
    expect(log.headers.get("content-type")).toContain("text/plain");
    const text = await log.text();
    expect(text).toContain("slow build done after 800 ms");
    expect(text).toContain(`deploy ${id} ended: ok`);

    const row = await server.call("GET", `/deploy/${id}`, { key: server.userKey, route: "/deploy/{id}" });
    expect(row.body).toMatchObject({ id, status: "ok", requestedBy: "dev@example.test", scope: "platform" });

    const whole = await fetch(`${server.url}/deploy/${id}/log`, { headers: { "x-api-key": server.userKey } });
    expect(await whole.text()).toBe(text);
    // A log is text, never a page a browser may sniff into HTML.
    expect(whole.headers.get("x-content-type-options")).toBe("nosniff");
    expect(log.headers.get("x-content-type-options")).toBe("nosniff");

    const list = await server.call("GET", "/deploy?limit=1", { key: server.userKey });
    expect(list.body.items[0].id).toBe(id);
  });

  it("stops following a log when the reader hangs up, leaving no listener behind", async () => {
    fx.setSlowDelay(2000);
    const started = await server.call("POST", "/deploy", { key: server.userKey, body: {} });
    const id = started.body.deployId as string;
    const abort = new AbortController();
    const response = await fetch(`${server.url}/deploy/${id}/log?follow=true`, {
      headers: { "x-api-key": server.userKey },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    await expect.poll(() => server.service.listenerCount("done"), { timeout: 10_000 }).toBeGreaterThan(0);
    abort.abort();
    await expect.poll(() => server.service.listenerCount("done"), { timeout: 5_000 }).toBe(0);
    expect((await server.service.waitForDone(id, 30_000)).status).toBe("ok");
  });

  it("pages through the list with nextCursor", async () => {
    const first = await server.call("GET", "/deploy?limit=1", { key: server.userKey });
    expect(first.body.items).toHaveLength(1);
    const all = await server.call("GET", "/deploy?limit=100", { key: server.userKey });
    if (all.body.items.length > 1) {
      const second = await server.call("GET", `/deploy?limit=1&cursor=${first.body.nextCursor}`, {
        key: server.userKey,
      });
      expect(second.body.items[0].id).toBe(all.body.items[1].id);
    }
    expect((await server.call("GET", "/deploy?limit=0", { key: server.userKey })).status).toBe(400);
    expect((await server.call("GET", "/deploy?cursor=abc", { key: server.userKey })).status).toBe(400);
  });

  it("cancels a running deploy and stops its whole process tree", async () => {
    fx.setSlowDelay(30_000);
    const runsBefore = fx.slowRuns().length;
    const started = await server.call("POST", "/deploy", { key: server.userKey, body: {} });
    await expect.poll(() => fx.slowRuns().length, { timeout: 15_000 }).toBe(runsBefore + 1);
    const cancelled = await server.call("POST", `/deploy/${started.body.deployId}/cancel`, {
      key: server.userKey,
      route: "/deploy/{id}/cancel",
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", phase: "build" });
    const run = fx.slowRuns()[runsBefore]!;
    expect(processAlive(run.pid)).toBe(false);
    expect(processAlive(run.childPid)).toBe(false);

    const again = await server.call("POST", `/deploy/${started.body.deployId}/cancel`, {
      key: server.userKey,
      route: "/deploy/{id}/cancel",
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe("deploy_finished");
  });

  it("answers 404 for an unknown deploy", async () => {
    for (const [method, path, route] of [
      ["GET", "/deploy/nope", "/deploy/{id}"],
      ["GET", "/deploy/nope/log", "/deploy/{id}/log"],
      ["POST", "/deploy/nope/cancel", "/deploy/{id}/cancel"],
    ] as const) {
      const answer = await server.call(method, path, { key: server.userKey, route });
      expect(answer.status).toBe(404);
      expect(answer.body.error).toBe("not_found");
    }
  });
});

describe("time limits", () => {
  describe("with a 500 ms wait cap", () => {
    const { server: capped } = useTestServer({ fx, deployWaitMs: 500 });

    it("answers 504 deploy_timeout with the deploy's id and status when the wait cap passes, and the deploy goes on", async () => {
      fx.setSlowDelay(2000);
      const answer = await capped.call("POST", "/api/v1/self/deploy", { body: {} });
      expect(answer.status).toBe(504);
      expect(answer.body).toMatchObject({ error: "deploy_timeout", status: "building" });
      const done = await capped.service.waitForDone(answer.body.deployId, 30_000);
      expect(done.status).toBe("ok");
    });
  });

  describe("with a 2 s build timeout", () => {
    const { server: short } = useTestServer({ fx, buildTimeoutMs: 2000 });

    it("stops a build that passes the build timeout and answers 500 timed_out", async () => {
      fx.setSlowDelay(30_000);
      const runsBefore = fx.slowRuns().length;
      const answer = await short.call("POST", "/api/v1/self/deploy", { body: {} });
      expect(answer.status).toBe(500);
      expect(answer.body).toMatchObject({ ok: false, status: "timed_out" });
      expect(answer.body.errorSummary).toMatch(/timeout/);
      const run = fx.slowRuns()[runsBefore]!;
      expect(processAlive(run.childPid)).toBe(false);
    });
  });
});
