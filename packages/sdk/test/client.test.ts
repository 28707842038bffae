import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JournalEvent } from "@app-building/types";
import { startDroppingProxy } from "./helpers/dropping-proxy.js";
import { startFailingRuntimeStandIn } from "./helpers/failing-runtime-standin.js";
import { createProject, ECHO_AGENT, type Project } from "./helpers/project.js";
import { crashAndRestart } from "./helpers/restart.js";

describe("the container client against a real runtime", () => {
  let project: Project;
  beforeEach(async () => {
    project = await createProject(ECHO_AGENT);
  });
  afterEach(async () => {
    await project.cleanup();
  });

  it("sends a message, waits for its result and reads the events it produced", async () => {
    const state = await project.start();
    const client = project.sdk.createClient(state);
    const { id } = await client.sendMessage("hello there");
    const message = await client.waitForMessage(id, { timeoutMs: 30_000 });
    expect(message.status).toBe("done");
    expect(message.result).toContain("hello there");
    const events: JournalEvent[] = [];
    for await (const event of client.events({ follow: false })) events.push(event);
    expect(events.map((e) => e.offset)).toEqual(events.map((_, i) => i));
    expect(events.some((e) => e.kind === "message.done" && e.messageId === id)).toBe(true);
    expect(await client.eventsTail()).toBe(events.length);
    await expect(client.getMessage("msg_unknown")).rejects.toBeInstanceOf(project.sdk.NotFoundError);
  });

  it("keeps streaming across a runtime crash and restart with no gap and no duplicate", async () => {
    const state = await project.start();
    const client = project.sdk.createClient(state);
    const seen: number[] = [];
    const controller = new AbortController();
    const doneIds = new Set<string>();
    const reading = (async () => {
      for await (const event of client.events({ signal: controller.signal })) {
        seen.push(event.offset);
        if (event.kind === "message.done" && event.messageId !== null) doneIds.add(event.messageId);
      }
    })();
    const first = await client.sendMessage("before the crash");
    await client.waitForMessage(first.id, { timeoutMs: 30_000 });
    while (!doneIds.has(first.id)) await new Promise((r) => setTimeout(r, 10));
    const pid = await crashAndRestart(project.sdk, state, { AGENT: "command", AGENT_COMMAND: "echo reply:" });
    project.started.push({ ...state, pid });
    const second = await client.sendMessage("after the restart");
    await client.waitForMessage(second.id, { timeoutMs: 30_000 });
    while (!doneIds.has(second.id)) await new Promise((r) => setTimeout(r, 10));
    controller.abort();
    await reading;
    expect(seen).toEqual(seen.map((_, i) => i));
    const all: number[] = [];
    for await (const event of client.events({ follow: false })) all.push(event.offset);
    expect(seen.length).toBeGreaterThan(0);
    expect(all.slice(0, seen.length)).toEqual(seen);
  });

  it("queues one message when a POST is retried after its response was lost", async () => {
    const state = await project.start();
    const proxy = await startDroppingProxy(state.baseUrl);
    try {
      const viaProxy = project.sdk.createClient({ ...state, baseUrl: proxy.url });
      const accepted = await viaProxy.sendMessage("exactly once");
      expect(proxy.dropped).toBe(1);
      const client = project.sdk.createClient(state);
      await client.waitForMessage(accepted.id, { timeoutMs: 30_000 });
      const started: JournalEvent[] = [];
      for await (const event of client.events({ follow: false }))
        if (event.kind === "message.started") started.push(event);
      expect(started.map((e) => e.messageId)).toEqual([accepted.id]);
    } finally {
      await proxy.close();
    }
  });

  it("never retries a POST without an idempotency key: the caller learns the response was lost", async () => {
    const state = await project.start();
    const proxy = await startDroppingProxy(state.baseUrl);
    try {
      const headers = project.sdk.httpOptsFor(state);
      await expect(project.sdk.httpPost(`${proxy.url}/message`, { prompt: "once" }, headers)).rejects.toBeInstanceOf(
        project.sdk.ContainerGoneError,
      );
      expect(proxy.dropped).toBe(1);
      const client = project.sdk.createClient(state);
      for (let i = 0; i < 400 && (await client.status()).iteration < 1; i += 1)
        await new Promise((r) => setTimeout(r, 25));
      // The request did reach the runtime: one message ran, and no retry queued a second.
      expect((await client.status()).iteration).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it("reads the runtime's log lines", async () => {
    const state = await project.start();
    const lines: string[] = [];
    for await (const line of project.sdk.createClient(state).logs({ follow: false })) lines.push(line.line);
    expect(lines.some((line) => line.includes("listening"))).toBe(true);
  });

  it("maps an interrupt of a stopped container to ContainerGoneError", async () => {
    const state = await project.start();
    const client = project.sdk.createClient(state);
    await client.stop();
    await client.waitForStopped({ timeoutMs: 30_000 });
    await expect(client.interrupt()).rejects.toBeInstanceOf(project.sdk.ContainerGoneError);
  });

  for (const failure of ["503", "closes the connection"] as const) {
    it(`sends an interrupt once when the runtime ${failure === "503" ? "answers 503" : failure}, and retries a detach`, async () => {
      const standIn = await startFailingRuntimeStandIn(failure);
      try {
        const client = project.sdk.createClient({
          type: "local",
          driver: "process",
          containerName: "failing-stand-in",
          baseUrl: standIn.url,
          port: Number(new URL(standIn.url).port),
          token: "stand-in-token",
          startedAt: new Date().toISOString(),
        });
        await expect(client.interrupt()).rejects.toMatchObject({ retryable: true });
        expect(standIn.requests).toEqual(["POST /interrupt"]);
        // The same failure is retried for an idempotent call: the stand-in counts every attempt.
        await expect(client.detach()).rejects.toMatchObject({ retryable: true });
        expect(standIn.requests.filter((r) => r === "POST /detach").length).toBeGreaterThan(1);
        expect(standIn.requests.filter((r) => r === "POST /interrupt")).toHaveLength(1);
      } finally {
        await standIn.close();
      }
    });
  }

  it("ends a followed event stream when the container stops", async () => {
    const state = await project.start();
    const client = project.sdk.createClient(state);
    const kinds: string[] = [];
    const reading = (async () => {
      for await (const event of client.events()) kinds.push(event.kind);
    })();
    await client.stop();
    await reading;
    expect(kinds.at(-1)).toBe("container.state");
  });
});
