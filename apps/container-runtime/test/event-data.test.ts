// Drift check between the runtime and @app-building/types: every event a real runtime
// writes (messages done and failed, commits, pushes that land and fail, tasks, states)
// matches the data schema of its kind, so `event.data` is typed by what the runtime sends.
import { renameSync } from "node:fs";
import { eventKindSchema, journalEventOfKindSchema } from "@app-building/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bareRepo } from "./helpers/git.js";
import { startRuntime, tempDir, waitForEvent, waitForMessage, type RuntimeProcess } from "./helpers/runtime-process.js";

const AGENT =
  'case "$1" in fail*) echo broken >&2; exit 3;; task*) echo not yet;; *) echo "$1" >> out.txt; echo wrote;; esac';

describe("the data of every event the runtime writes", () => {
  let rt: RuntimeProcess;
  let remote: string;

  beforeAll(async () => {
    remote = bareRepo();
    rt = await startRuntime({
      AGENT: "command",
      AGENT_COMMAND: AGENT,
      REPO_URL: remote,
      CLONE_BRANCH: "main",
      PUSH_BRANCH: "agent/events",
      GIT_PUSH_ATTEMPTS: "1",
      DATA_DIR: tempDir("event-data"),
      WORKSPACE_DIR: tempDir("event-ws"),
    });
  });
  afterAll(async () => {
    await rt.kill();
  });

  it("matches the schema of its kind", async () => {
    const send = async (prompt: string) => (await rt.api<{ id: string }>("/message", { body: { prompt } })).body.id;
    await waitForMessage(rt, await send("write one"));
    await waitForMessage(rt, await send("fail now"));
    const task = (await rt.api<{ id: string }>("/tasks", { body: { prompt: "task one", maxAttempts: 1 } })).body;
    await waitForEvent(rt, (e) => e.kind === "task.failed" && e.messageId === task.id);
    renameSync(remote, `${remote}.gone`); // the next push fails
    const last = await send("write two");
    const { seen } = await waitForEvent(rt, (e) => e.kind === "message.done" && e.messageId === last);

    const kinds = new Set(seen.map((e) => e.kind));
    const expected = eventKindSchema.options.filter((k) => !["task.done", "message.interrupted"].includes(k));
    expect([...kinds].sort()).toEqual([...expected].sort());
    const mismatches = seen.flatMap((event) => {
      const parsed = journalEventOfKindSchema.safeParse(event);
      return parsed.success ? [] : [`${event.kind}: ${parsed.error.message}`];
    });
    expect(mismatches).toEqual([]);
  });
});
