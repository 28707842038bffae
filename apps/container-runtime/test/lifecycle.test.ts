import { describe, expect, it } from "vitest";
import { git, subjects } from "./helpers/git.js";
import { startRuntime, tempDir, waitForEvent, waitForMessage } from "./helpers/runtime-process.js";

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
