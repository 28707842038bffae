import { readFileSync } from "node:fs";
import { join } from "node:path";
import { lastUserText, startScriptedModel, type ScriptedModel } from "@app-building/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bareRepo, filesOnBranch, git, subjects } from "./helpers/git.js";
import { startRuntime, tempDir, waitForEvent, waitForMessage, type RuntimeProcess } from "./helpers/runtime-process.js";

/** A tool call that runs for a minute unless interrupted. */
const WAIT_A_MINUTE = "timeout 60 tail -f /dev/null";

// The real Claude Code CLI, driven by a scripted stand-in for the paid model API.
describe("the runtime with the real Claude Code CLI and a scripted model", () => {
  let model: ScriptedModel;
  let rt: RuntimeProcess;
  let bare: string;
  const workspace = tempDir("claude-ws");
  let sessionId: string;

  beforeAll(async () => {
    model = await startScriptedModel();
    bare = bareRepo();
    rt = await startRuntime({
      AGENT: "claude",
      REPO_URL: bare,
      CLONE_BRANCH: "main",
      PUSH_BRANCH: "agent/work",
      DATA_DIR: tempDir("claude-data"),
      WORKSPACE_DIR: workspace,
      HOME: tempDir("claude-home"),
      ...model.env(),
    });
  });
  afterAll(async () => {
    await rt.kill();
    await model.close();
  });

  it("runs a prompt whose tool call writes a file, and pushes a commit with it to the push branch", async () => {
    model.push(
      {
        toolUses: [
          { name: "Write", input: { file_path: join(workspace, "hello.txt"), content: "hello from the agent\n" } },
        ],
      },
      { text: "I wrote hello.txt", usage: { input_tokens: 1000, output_tokens: 50 } },
    );
    const sent = await rt.api<{ id: string }>("/message", { body: { prompt: "Create hello.txt" } });
    const message = await waitForMessage(rt, sent.body.id);
    expect(message).toMatchObject({ status: "done", result: "I wrote hello.txt", numTurns: 2 });
    expect(message.costUsd).toBeGreaterThan(0);
    sessionId = message.sessionId as string;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(readFileSync(join(workspace, "hello.txt"), "utf8")).toBe("hello from the agent\n");
    expect(filesOnBranch(bare, "agent/work")).toEqual(["README.md", "hello.txt"]);
    expect(subjects(bare, "agent/work")[0]).toBe(`message ${sent.body.id}: Create hello.txt`);
    const { body: status } = await rt.api<Record<string, unknown>>("/status");
    expect(status).toMatchObject({
      state: "idle",
      sessionId,
      pendingPush: false,
      iteration: 1,
      pushBranch: "agent/work",
    });
    expect(status.revision).toBe(git(bare, "rev-parse", "agent/work"));
    expect(status.totalCostUsd).toBe(message.costUsd);
  });

  it("continues the same conversation with a follow-up message", async () => {
    model.push({ text: "You asked me to create hello.txt" });
    const sent = await rt.api<{ id: string }>("/message", { body: { prompt: "What did I ask before?" } });
    const message = await waitForMessage(rt, sent.body.id);
    expect(message).toMatchObject({ status: "done", sessionId, result: "You asked me to create hello.txt" });
    const last = model.requests.filter((r) => r.scripted).at(-1)!;
    expect(lastUserText(last.body)).toContain("What did I ask before?");
    expect(JSON.stringify(last.body.messages)).toContain("Create hello.txt");
  });

  it("interrupts a turn mid-tool, then answers a follow-up in the same session", async () => {
    // A command that runs for a minute (Claude Code refuses a bare long `sleep` at once,
    // which would end the tool before the interrupt).
    model.push({ toolUses: [{ name: "Bash", input: { command: WAIT_A_MINUTE, description: "wait a minute" } }] });
    const slow = await rt.api<{ id: string }>("/message", { body: { prompt: "Wait a minute" } });
    await waitForEvent(
      rt,
      (e) => e.messageId === slow.body.id && e.kind === "agent" && JSON.stringify(e.data).includes(WAIT_A_MINUTE),
    );
    const modelCallsBefore = model.requests.filter((r) => r.scripted).length;
    expect((await rt.api("/interrupt", { method: "POST" })).body).toMatchObject({
      interrupted: true,
      messageId: slow.body.id,
    });
    expect(await waitForMessage(rt, slow.body.id)).toMatchObject({ status: "interrupted" });
    // Had the command ended first, its result would have gone back to the model in one more call.
    expect(model.requests.filter((r) => r.scripted)).toHaveLength(modelCallsBefore);

    model.push({ text: "Still here" });
    const next = await rt.api<{ id: string }>("/message", { body: { prompt: "Are you there?" } });
    expect(await waitForMessage(rt, next.body.id)).toMatchObject({ status: "done", result: "Still here", sessionId });
    expect(JSON.stringify(model.requests.at(-1)!.body.messages)).toContain(WAIT_A_MINUTE);
  });

  it("keeps the agent's stderr and the runtime's own lines in the logs", async () => {
    const { body } = await rt.api<{ items: { stream: string; line: string }[] }>("/logs?limit=10000");
    expect(body.items.some((item) => item.stream === "runtime" && item.line.includes("pushed"))).toBe(true);
  });

  it("stops mid-turn: interrupts, commits what the agent wrote, pushes, and exits", async () => {
    model.push(
      { toolUses: [{ name: "Write", input: { file_path: join(workspace, "draft.txt"), content: "half done\n" } }] },
      { toolUses: [{ name: "Bash", input: { command: WAIT_A_MINUTE, description: "think" } }] },
    );
    const sent = await rt.api<{ id: string }>("/message", { body: { prompt: "Draft, then think" } });
    await waitForEvent(
      rt,
      (e) => e.messageId === sent.body.id && e.kind === "agent" && JSON.stringify(e.data).includes(WAIT_A_MINUTE),
    );
    const { status, body } = await rt.api<{ state: string }>("/stop", { method: "POST" });
    expect(status).toBe(202);
    expect(body.state).toBe("stopping");
    expect(await rt.exited).toBe(0);
    expect(filesOnBranch(bare, "agent/work")).toEqual(["README.md", "draft.txt", "hello.txt"]);
  });
});
