import { describe, expect, expectTypeOf, it } from "vitest";
import { eventDataSchemas, eventKindSchema, journalEventOfKindSchema, type JournalEvent } from "./container.js";

const envelope = { offset: 3, time: "2026-01-01T00:00:00.000Z", messageId: "m1" };

describe("typed event data", () => {
  it("has a data schema for every event kind", () => {
    expect(Object.keys(eventDataSchemas).sort()).toEqual([...eventKindSchema.options].sort());
  });

  it("checks data by kind, keeping fields a newer runtime adds", () => {
    const done = journalEventOfKindSchema.parse({
      ...envelope,
      kind: "message.done",
      data: { messageId: "m1", status: "done", result: "ok", costUsd: 0.01, revision: "abc", pushed: true, extra: 1 },
    });
    expect(done.kind === "message.done" && done.data.costUsd).toBe(0.01);
    expect(done.data).toMatchObject({ extra: 1 });
    expect(
      journalEventOfKindSchema.safeParse({ ...envelope, kind: "message.done", data: { status: "done" } }).success,
    ).toBe(false);
    expect(
      journalEventOfKindSchema.safeParse({ ...envelope, kind: "container.state", data: { state: "sleeping" } }).success,
    ).toBe(false);
  });

  it("narrows event.data by event.kind", () => {
    const branchOf = (event: JournalEvent): string | null => (event.kind === "git.pushed" ? event.data.branch : null);
    expect(
      branchOf({ ...envelope, kind: "git.pushed", data: { revision: "abc", branch: "agent/x", attempts: 1 } }),
    ).toBe("agent/x");
    expectTypeOf<Extract<JournalEvent, { kind: "container.state" }>["data"]["state"]>().toEqualTypeOf<
      "starting" | "idle" | "processing" | "stopping" | "stopped"
    >();
    expectTypeOf<Extract<JournalEvent, { kind: "agent" }>["data"]>().toEqualTypeOf<Record<string, unknown>>();
  });
});
