import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  startRuntime,
  tempDir,
  TOKEN,
  waitForEvent,
  waitForMessage,
  type EventItem,
  type RuntimeProcess,
} from "./helpers/runtime-process.js";

// A command agent (a real shell) that echoes its prompt as JSON, leaks a secret on purpose,
// writes a file, and sleeps when the prompt says "slow".
const AGENT = `printf '{"type":"echo","prompt":"%s"}\\n' "$1"; echo "leak $MY_SECRET" >&2; echo "$1" > last-prompt.txt; case "$1" in slow*) sleep 30;; esac; echo finished`;

describe("the container API over a real socket, with a command agent", () => {
  let rt: RuntimeProcess;
  const workspace = tempDir("ws");

  beforeAll(async () => {
    rt = await startRuntime({
      AGENT: "command",
      AGENT_COMMAND: AGENT,
      DATA_DIR: tempDir("data"),
      WORKSPACE_DIR: workspace,
      MY_SECRET: "hunter2-top-secret",
      SECRET_ENV_NAMES: "MY_SECRET",
    });
  });
  afterAll(async () => {
    await rt.kill();
  });

  it("answers the health probe without a token, and nothing else", async () => {
    expect(await (await fetch(`${rt.url}/health`)).json()).toEqual({ ok: true, state: "idle" });
    const attempts: Record<string, string>[] = [{}, { authorization: "Bearer wrong" }, { authorization: TOKEN }];
    for (const headers of attempts) {
      const response = await fetch(`${rt.url}/status`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: "unauthorized" });
    }
  });

  it("runs a prompt, records what the agent printed, and commits its work", async () => {
    const sent = await rt.api<{ id: string; status: string }>("/message", { body: { prompt: "make a file" } });
    expect(sent.status).toBe(202);
    expect(sent.body.status).toBe("queued");
    const message = await waitForMessage(rt, sent.body.id);
    expect(message).toMatchObject({ status: "done", result: "finished", error: null });
    expect(readFileSync(join(workspace, "last-prompt.txt"), "utf8")).toBe("make a file\n");
    const { body: status } = await rt.api<Record<string, unknown>>("/status");
    expect(status).toMatchObject({
      state: "idle",
      iteration: 1,
      queueLength: 0,
      currentMessageId: null,
      agent: "command",
      problems: [],
    });
    expect(status.revision).toMatch(/^[0-9a-f]{40}$/);
    const { seen } = await waitForEvent(rt, (e) => e.kind === "message.done" && e.messageId === sent.body.id);
    expect(seen.find((e) => e.kind === "agent")?.data).toEqual({ type: "echo", prompt: "make a file" });
    expect(seen.map((e) => e.offset)).toEqual(seen.map((_, i) => i));
  });

  it("queues a retried POST with the same Idempotency-Key only once", async () => {
    const headers = { "idempotency-key": "retry-me-1" };
    const first = await rt.api<{ id: string }>("/message", { body: { prompt: "once" }, headers });
    const second = await rt.api<{ id: string }>("/message", { body: { prompt: "once" }, headers });
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    await waitForMessage(rt, first.body.id);
  });

  it("redacts secret values from events and logs", async () => {
    const sent = await rt.api<{ id: string }>("/message", { body: { prompt: "say hunter2-top-secret" } });
    await waitForMessage(rt, sent.body.id);
    const events = await rt.api<{ items: EventItem[] }>("/events?limit=10000");
    const logs = await rt.api<{ items: { line: string }[] }>("/logs?limit=10000");
    const all = JSON.stringify(events.body) + JSON.stringify(logs.body);
    expect(all).not.toContain("hunter2-top-secret");
    expect(logs.body.items.some((item) => item.line === "leak [REDACTED]")).toBe(true);
    expect(events.body.items.some((item) => item.data.prompt === "say [REDACTED]")).toBe(true);
  });

  it("long-polls: a read past the end waits for the next event", async () => {
    const { body: page } = await rt.api<{ nextOffset: number }>("/events?limit=10000");
    const waiting = rt.api<{ items: EventItem[] }>(`/events?offset=${page.nextOffset}&wait=20`);
    await rt.api("/message", { body: { prompt: "wake the reader" } });
    const { body } = await waiting;
    expect(body.items[0]?.offset).toBe(page.nextOffset);
  });

  it("streams SSE whose ids are offsets, and resumes after Last-Event-ID", async () => {
    const response = await fetch(`${rt.url}/events`, {
      headers: { authorization: `Bearer ${TOKEN}`, accept: "text/event-stream", "last-event-id": "2" },
    });
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    let text = "";
    while (!/\nid: 5\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value as Uint8Array);
    await reader.cancel();
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids.slice(0, 3)).toEqual([3, 4, 5]);
    const first = /^data: (.*)$/m.exec(text)?.[1];
    expect(JSON.parse(first!)).toMatchObject({ offset: 3 });
  });

  it("interrupts a running turn and keeps serving", async () => {
    const slow = await rt.api<{ id: string }>("/message", { body: { prompt: "slow one" } });
    await waitForEvent(rt, (e) => e.messageId === slow.body.id && e.kind === "agent");
    const answer = await rt.api<{ interrupted: boolean }>("/interrupt", { method: "POST" });
    expect(answer.body).toMatchObject({ ok: true, interrupted: true, messageId: slow.body.id });
    expect(await waitForMessage(rt, slow.body.id)).toMatchObject({ status: "interrupted" });
    const next = await rt.api<{ id: string }>("/message", { body: { prompt: "after" } });
    expect(await waitForMessage(rt, next.body.id)).toMatchObject({ status: "done" });
  });

  it("answers malformed input with a 4xx JSON error, never a 5xx", async () => {
    const cases: { path: string; method?: string; body?: string; headers?: Record<string, string> }[] = [
      { path: "/message", body: "{not json" },
      { path: "/message", body: "[]" },
      { path: "/message", body: "null" },
      { path: "/message", body: JSON.stringify({ prompt: "" }) },
      { path: "/message", body: JSON.stringify({ prompt: 42 }) },
      { path: "/message", body: JSON.stringify({ prompt: "x", extra: true }) },
      { path: "/message", body: JSON.stringify({ prompt: "x".repeat(300_000) }) },
      { path: "/message", body: JSON.stringify({ prompt: "x" }), headers: { "idempotency-key": "k".repeat(500) } },
      { path: "/message", body: "x".repeat(2_000_000) },
      { path: "/message/nope", method: "GET" },
      { path: "/events?offset=-1", method: "GET" },
      { path: "/events?offset=abc", method: "GET" },
      { path: "/events?limit=0", method: "GET" },
      { path: "/events?bogus=1", method: "GET" },
      { path: "/events", method: "GET", headers: { accept: "text/event-stream", "last-event-id": "x" } },
      { path: "/tasks", body: JSON.stringify({ prompt: "t", maxAttempts: 0 }) },
      { path: "/no-such-route", method: "GET" },
    ];
    for (const c of cases) {
      const response = await fetch(rt.url + c.path, {
        method: c.method ?? "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...c.headers },
        body: c.body,
      });
      const body = (await response.json()) as { error: string; message: string };
      expect({ path: c.path, status: response.status >= 400 && response.status < 500 }).toEqual({
        path: c.path,
        status: true,
      });
      expect(typeof body.error).toBe("string");
      expect(typeof body.message).toBe("string");
    }
    expect((await rt.api("/health")).status).toBe(200);
  });

  it("names the bad field in a validation error", async () => {
    const { status, body } = await rt.api<{ error: string; message: string }>("/message", {
      body: { prompt: 1, color: "red" },
    });
    expect(status).toBe(400);
    expect(body.error).toBe("invalid_body");
    expect(body.message).toMatch(/'prompt'/);
    expect(body.message).toMatch(/'color'/);
  });

  it("stops: answers first, then commits and exits", async () => {
    const { status, body } = await rt.api<{ state: string }>("/stop", { method: "POST" });
    expect(status).toBe(202);
    expect(body.state).toBe("stopping");
    expect(await rt.exited).toBe(0);
    expect(existsSync(join(workspace, ".git"))).toBe(true);
  });
});
