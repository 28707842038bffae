import { describe, expect, it } from "vitest";
import { git, subjects } from "./helpers/git.js";
import {
  startRuntime,
  tempDir,
  TOKEN,
  waitForEvent,
  waitForMessage,
  type EventItem,
  type RuntimeProcess,
} from "./helpers/runtime-process.js";

/** What an SSE follower got: every event, and whether the runtime ended the stream saying it had sent everything. */
interface Followed {
  events: EventItem[];
  /** The `event: end` block's `nextOffset`, or `null` when the stream was cut without it. */
  endedAt: number | null;
}

/** Follows `/events` over SSE from offset 0 until the runtime ends the stream (or drops it). */
async function followSse(rt: RuntimeProcess, connected: () => void): Promise<Followed> {
  const response = await fetch(`${rt.url}/events?offset=0`, {
    headers: { authorization: `Bearer ${TOKEN}`, accept: "text/event-stream" },
  });
  const events: EventItem[] = [];
  let endedAt: number | null = null;
  let buffered = "";
  const decoder = new TextDecoder();
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      if (buffered.includes(": connected")) connected();
      let end: number;
      while ((end = buffered.indexOf("\n\n")) >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const lines = block.split("\n");
        const data = lines.find((line) => line.startsWith("data: "));
        if (data === undefined) continue;
        if (lines.includes("event: end")) endedAt = (JSON.parse(data.slice(6)) as { nextOffset: number }).nextOffset;
        else events.push(JSON.parse(data.slice(6)) as EventItem);
      }
    }
  } catch {
    // the connection was cut: what arrived before is what the follower got
  }
  return { events, endedAt };
}

/** Follows `/events` with long-polls until the runtime stops answering; returns every event. */
async function followLongPoll(rt: RuntimeProcess): Promise<EventItem[]> {
  const events: EventItem[] = [];
  let offset = 0;
  for (;;) {
    let page: { items: EventItem[]; nextOffset: number };
    try {
      page = (await rt.api<{ items: EventItem[]; nextOffset: number }>(`/events?offset=${offset}&wait=5`)).body;
    } catch {
      return events;
    }
    events.push(...page.items);
    offset = page.nextOffset;
  }
}

const isStopped = (event: EventItem): boolean => event.kind === "container.state" && event.data.state === "stopped";

describe("detach", () => {
  it("lets every queued message finish, commits each, then exits by itself", async () => {
    const workspace = tempDir("detach-ws");
    const rt = await startRuntime({
      AGENT: "command",
      AGENT_COMMAND: `sleep 0.2; echo "$1" > "$1.txt"`,
      DATA_DIR: tempDir("detach-data"),
      WORKSPACE_DIR: workspace,
    });
    try {
      const ids: string[] = [];
      for (const prompt of ["one", "two", "three"]) {
        ids.push((await rt.api<{ id: string }>("/message", { body: { prompt } })).body.id);
      }
      const { status, body } = await rt.api<{ ok: boolean; state: string }>("/detach", { method: "POST" });
      expect(status).toBe(200);
      expect(body.ok).toBe(true);
      expect((await rt.api<{ detachRequested: boolean }>("/status")).body.detachRequested).toBe(true);
      expect(await rt.exited).toBe(0);
      expect(subjects(workspace, "HEAD").slice(0, 3).reverse()).toEqual(
        ids.map((id, i) => `message ${id}: ${["one", "two", "three"][i]}`),
      );
      expect(git(workspace, "status", "--porcelain")).toBe("");
    } finally {
      await rt.kill();
    }
  });
});

describe("stop", () => {
  it("refuses new work while stopping, and kills an agent that ignores the interrupt", async () => {
    const rt = await startRuntime({
      AGENT: "command",
      AGENT_COMMAND: `trap '' INT; echo "started $1"; sleep 30`,
      DATA_DIR: tempDir("stop-data"),
      WORKSPACE_DIR: tempDir("stop-ws"),
    });
    try {
      const sent = await rt.api<{ id: string }>("/message", { body: { prompt: "stubborn" } });
      await waitForEvent(rt, (e) => e.messageId === sent.body.id && e.kind === "agent");
      expect((await rt.api("/stop", { method: "POST" })).status).toBe(202);
      const refused = await rt.api<{ error: string }>("/message", { body: { prompt: "more" } });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toBe("container_stopping");
      expect((await rt.api<{ state: string }>("/health")).body.state).toBe("stopping");
      expect(await rt.exited).toBe(0);
    } finally {
      await rt.kill();
    }
  });
});

describe("followers at stop", () => {
  it("get every event up to container.state stopped before the runtime exits, over SSE and long-poll", async () => {
    const rt = await startRuntime({
      AGENT: "command",
      AGENT_COMMAND: `echo "$1" > notes.txt; echo "started $1"; sleep 30`,
      DATA_DIR: tempDir("follow-data"),
      WORKSPACE_DIR: tempDir("follow-ws"),
    });
    try {
      let connected!: () => void;
      const sseConnected = new Promise<void>((resolve) => (connected = resolve));
      const sse = followSse(rt, connected);
      const longPoll = followLongPoll(rt);
      await sseConnected;
      const sent = await rt.api<{ id: string }>("/message", { body: { prompt: "work" } });
      await waitForEvent(rt, (e) => e.messageId === sent.body.id && e.kind === "agent");
      expect((await rt.api("/stop", { method: "POST" })).status).toBe(202);
      expect(await rt.exited).toBe(0);
      const followed = await sse;
      // The stream's last word says it sent everything: the follower need not try again.
      expect(followed.endedAt).toBe(followed.events.length);
      for (const [how, events] of [
        ["SSE", followed.events],
        ["long-poll", await longPoll],
      ] as const) {
        expect(
          events.map((e) => e.offset),
          how,
        ).toEqual(events.map((_, i) => i));
        expect(
          events.some((e) => e.kind === "git.committed"),
          how,
        ).toBe(true);
        expect(events.at(-1) !== undefined && isStopped(events.at(-1)!), `${how} got the stopped event`).toBe(true);
      }
    } finally {
      await rt.kill();
    }
  });
});

describe("a turn that runs too long", () => {
  it("is interrupted at TURN_TIMEOUT_MS and ends as an error that says so", async () => {
    const rt = await startRuntime({
      AGENT: "command",
      AGENT_COMMAND: `echo "working on $1"; sleep 30`,
      TURN_TIMEOUT_MS: "500",
      DATA_DIR: tempDir("timeout-data"),
      WORKSPACE_DIR: tempDir("timeout-ws"),
    });
    try {
      const sent = await rt.api<{ id: string }>("/message", { body: { prompt: "forever" } });
      const message = await waitForMessage(rt, sent.body.id);
      expect(message).toMatchObject({ status: "error", error: "the turn timed out after 500 ms" });
      expect((await rt.api<{ state: string }>("/status")).body.state).toBe("idle");
    } finally {
      await rt.kill();
    }
  });
});
