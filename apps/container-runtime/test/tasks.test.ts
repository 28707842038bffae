import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRuntime, tempDir, TOKEN, waitForEvent, type RuntimeProcess } from "./helpers/runtime-process.js";

// A node agent: the prompt "plan" queues two tasks over loopback with the tasks token the
// runtime put in its environment (as the tasks skill shows); a task prompt containing "twice" finishes on its second attempt;
// "never" never prints the marker.
const AGENT = `
const fs = require("node:fs");
const prompt = process.argv[1];
const url = process.env.APP_BUILDING_RUNTIME_URL;
const headers = { "content-type": "application/json", authorization: "Bearer " + process.env.APP_BUILDING_TASKS_TOKEN };
const queue = (body) => fetch(url + "/tasks", { method: "POST", headers, body: JSON.stringify(body) }).then((r) => r.json());
(async () => {
  if (prompt === "plan") {
    const a = await queue({ prompt: "finish twice", maxAttempts: 3 });
    const b = await queue({ prompt: "never finish", maxAttempts: 2 });
    const status = await fetch(url + "/status", { headers }).then((r) => r.status);
    console.log(JSON.stringify({ type: "queued", ids: [a.id, b.id], hasToken: "CONTAINER_TOKEN" in process.env, status }));
    return;
  }
  const counter = "attempts-" + prompt.split("\\n")[0].replace(/\\W/g, "_");
  const n = (fs.existsSync(counter) ? Number(fs.readFileSync(counter, "utf8")) : 0) + 1;
  fs.writeFileSync(counter, String(n));
  console.log(prompt.startsWith("finish twice") && n >= 2 ? "all done <DONE>" : "not yet");
})();
`;

describe("tasks the agent queues for itself", () => {
  let rt: RuntimeProcess;

  beforeAll(async () => {
    rt = await startRuntime({
      AGENT: "command",
      AGENT_COMMAND: JSON.stringify([process.execPath, "-e", AGENT]),
      DATA_DIR: tempDir("tasks-data"),
      WORKSPACE_DIR: tempDir("tasks-ws"),
    });
  });
  afterAll(async () => {
    await rt.kill();
  });

  it("run after the message, retry until the <DONE> marker, and fail after maxAttempts", async () => {
    const sent = await rt.api<{ id: string }>("/message", { body: { prompt: "plan" } });
    const { event } = await waitForEvent(rt, (e) => e.kind === "agent" && e.messageId === sent.body.id);
    // The tasks token queues tasks and does nothing else: /status refuses it.
    expect(event.data).toMatchObject({ type: "queued", hasToken: false, status: 401 });
    const [finishing, failing] = event.data.ids as string[];
    await waitForEvent(rt, (e) => e.kind === "task.failed" && e.messageId === failing);

    const { body: tasks } = await rt.api<{ items: { id: string; status: string; attempts: number }[] }>("/tasks");
    expect(tasks.items.map((t) => [t.id, t.status, t.attempts])).toEqual([
      [finishing, "done", 2],
      [failing, "failed", 2],
    ]);
    const { body: status } = await rt.api<Record<string, unknown>>("/status");
    expect(status).toMatchObject({ pendingTasks: 0, tasksProcessed: 2, iteration: 5, state: "idle" });
    const done = await waitForEvent(rt, (e) => e.kind === "task.done");
    expect(done.event).toMatchObject({
      messageId: finishing,
      data: { status: "done", attempts: 2, result: "all done <DONE>" },
    });
  });

  it("refuse callers without a token, even on loopback, and a page's text/plain body even with one", async () => {
    const before = (await rt.api<{ items: unknown[] }>("/tasks")).body.items.length;
    const bare = await fetch(`${rt.url}/tasks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ prompt: "never finish", maxAttempts: 1 }),
    });
    expect(bare.status).toBe(401);
    const plain = await fetch(`${rt.url}/tasks`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ prompt: "never finish", maxAttempts: 1 }),
    });
    expect(plain.status).toBe(415);
    expect((await rt.api<{ items: unknown[] }>("/tasks")).body.items.length).toBe(before);
    expect((await fetch(`${rt.url}/status`)).status).toBe(401);
  });
});
