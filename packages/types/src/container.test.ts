import { describe, expect, it } from "vitest";
import {
  controlResponseSchema,
  createTaskRequestSchema,
  journalEventSchema,
  journalQuerySchema,
  MAX_TASK_ATTEMPTS,
  taskSchema,
  TASK_DONE_MARKER,
  eventKindSchema,
  webhookEventKindSchema,
} from "./container.js";
import { webhookTypeSchema } from "./webhooks.js";

describe("container task contracts", () => {
  it("accepts a task with an optional attempt bound and refuses anything else", () => {
    expect(createTaskRequestSchema.parse({ prompt: "write tests" })).toEqual({ prompt: "write tests" });
    expect(createTaskRequestSchema.safeParse({ prompt: "x", maxAttempts: 0 }).success).toBe(false);
    expect(createTaskRequestSchema.safeParse({ prompt: "x", maxAttempts: MAX_TASK_ATTEMPTS + 1 }).success).toBe(false);
    expect(createTaskRequestSchema.safeParse({ prompt: "x", priority: 1 }).success).toBe(false);
    expect(createTaskRequestSchema.safeParse({ prompt: "" }).success).toBe(false);
  });

  it("describes a finished task", () => {
    const task = taskSchema.parse({
      id: "task_1",
      status: "done",
      prompt: "p",
      attempts: 2,
      maxAttempts: 3,
      result: `ok ${TASK_DONE_MARKER}`,
      error: null,
      createdAt: "2026-01-01T00:00:00.000Z",
      endedAt: "2026-01-01T00:01:00.000Z",
    });
    expect(task.result).toContain("<DONE>");
  });
});

describe("journal reads", () => {
  it("coerces query strings and bounds them", () => {
    expect(journalQuerySchema.parse({ offset: "10", limit: "5", wait: "2.5" })).toEqual({
      offset: 10,
      limit: 5,
      wait: 2.5,
    });
    expect(journalQuerySchema.safeParse({ offset: "-1" }).success).toBe(false);
    expect(journalQuerySchema.safeParse({ limit: "0" }).success).toBe(false);
    expect(journalQuerySchema.safeParse({ wait: "600" }).success).toBe(false);
    expect(journalQuerySchema.safeParse({ since: "1" }).success).toBe(false);
  });

  it("reads an event with the agent's own JSON as data", () => {
    const event = journalEventSchema.parse({
      offset: 0,
      time: "t",
      messageId: "m",
      kind: "agent",
      data: { type: "assistant" },
    });
    expect(event.data).toEqual({ type: "assistant" });
  });
});

describe("control answers and webhook types", () => {
  it("reads what interrupt, detach and stop answer", () => {
    expect(
      controlResponseSchema.parse({ ok: true, state: "processing", interrupted: true, messageId: "m" }),
    ).toMatchObject({
      interrupted: true,
    });
    expect(controlResponseSchema.safeParse({ ok: true, state: "gone" }).success).toBe(false);
  });

  it("knows the task and interruption webhooks", () => {
    for (const type of ["task.queued", "task.failed", "message.interrupted"]) {
      expect(webhookTypeSchema.safeParse(type).success).toBe(true);
    }
  });

  it("names each happening the container both journals and sends once, as an event kind and a webhook type", () => {
    for (const name of webhookEventKindSchema.options) {
      expect(eventKindSchema.options).toContain(name);
      expect(webhookTypeSchema.options).toContain(name);
    }
    const both = eventKindSchema.options.filter((kind) => webhookTypeSchema.safeParse(kind).success);
    expect(both).toEqual(webhookEventKindSchema.options);
    expect(webhookTypeSchema.safeParse("agent").success).toBe(false);
    expect(eventKindSchema.safeParse("container.idle").success).toBe(false);
  });
});
