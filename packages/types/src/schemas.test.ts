import { describe, expect, it } from "vitest";
import { isTerminalStatus, selfDeployRequestSchema, selfDeployResponseSchema } from "./deploy.js";
import { containerStatusSchema, sendMessageRequestSchema, MAX_PROMPT_LENGTH } from "./container.js";
import { webhookPayloadSchema } from "./webhooks.js";

describe("deploy contracts", () => {
  it("knows which statuses are terminal", () => {
    expect(["ok", "error", "cancelled", "timed_out", "interrupted"].every((s) => isTerminalStatus(s as never))).toBe(
      true,
    );
    expect(isTerminalStatus("queued")).toBe(false);
    expect(isTerminalStatus("building")).toBe(false);
    expect(isTerminalStatus("restarting")).toBe(false);
  });

  it("validates a self-deploy request and refuses unknown fields and scopes", () => {
    expect(selfDeployRequestSchema.parse({})).toEqual({});
    expect(selfDeployRequestSchema.parse({ scope: "auto", sessionId: "s1" })).toEqual({
      scope: "auto",
      sessionId: "s1",
    });
    expect(selfDeployRequestSchema.safeParse({ scope: "everything" }).success).toBe(false);
    expect(selfDeployRequestSchema.safeParse({ scope: "all", extra: 1 }).success).toBe(false);
    expect(selfDeployRequestSchema.safeParse({ sessionId: 5 }).success).toBe(false);
  });

  it("describes a failed deploy with a null exit code allowed", () => {
    const parsed = selfDeployResponseSchema.parse({
      ok: false,
      deployId: "d1",
      status: "timed_out",
      scope: "platform",
      durationMs: 10,
      exitCode: null,
      errorSummary: "build timed out",
      phase: "build",
      release: "20261202T004500000-ab12cd",
      selfRestart: false,
      logTail: "",
    });
    expect(parsed.status).toBe("timed_out");
  });

  it("describes a rolled-back deploy: the failing phase and the release live again", () => {
    const parsed = selfDeployResponseSchema.parse({
      ok: false,
      deployId: "d2",
      status: "rolled_back",
      scope: "platform",
      durationMs: 9000,
      exitCode: 0,
      errorSummary: "console exited with code 1",
      phase: "health",
      release: "20261202T004500000-ab12cd",
      selfRestart: false,
      logTail: "",
    });
    expect(isTerminalStatus(parsed.status)).toBe(true);
    expect(selfDeployResponseSchema.safeParse({ ...parsed, phase: "smoke" }).success).toBe(false);
  });
});

describe("container contracts", () => {
  it("bounds prompts", () => {
    expect(sendMessageRequestSchema.safeParse({ prompt: "" }).success).toBe(false);
    expect(sendMessageRequestSchema.safeParse({ prompt: "x".repeat(MAX_PROMPT_LENGTH + 1) }).success).toBe(false);
    expect(sendMessageRequestSchema.safeParse({ prompt: "hi", model: "sonnet" }).success).toBe(true);
  });

  it("rejects a status with a negative queue", () => {
    const status = {
      state: "idle",
      containerName: "c",
      agent: "claude",
      sessionId: null,
      pushBranch: null,
      revision: null,
      queueLength: 0,
      pendingTasks: 0,
      tasksProcessed: 0,
      iteration: 0,
      totalCostUsd: 0,
      detachRequested: false,
      currentMessageId: null,
      pendingPush: false,
      startedAt: new Date(0).toISOString(),
      lastActivityAt: new Date(0).toISOString(),
    };
    expect(containerStatusSchema.safeParse(status).success).toBe(true);
    expect(containerStatusSchema.safeParse({ ...status, queueLength: -1 }).success).toBe(false);
  });

  it("accepts only known webhook types", () => {
    const payload = { type: "message.done", containerName: "c", timestamp: "t", data: { id: "m1" } };
    expect(webhookPayloadSchema.parse(payload).type).toBe("message.done");
    expect(webhookPayloadSchema.safeParse({ ...payload, type: "message.exploded" }).success).toBe(false);
  });
});
