import { describe, expect, it } from "vitest";
import { MAX_SUMMARY, summarizeEvent } from "./event-summary.js";

const base = { offset: 7, time: "2026-01-02T03:04:05.000Z", messageId: "m1" };

describe("summarizeEvent", () => {
  it("shows an agent's text, a Claude message's content and a tool use", () => {
    expect(summarizeEvent({ ...base, kind: "agent", data: { type: "text", text: "reply: hi" } }).summary).toBe(
      "text: reply: hi",
    );
    const claude = {
      type: "assistant",
      message: {
        content: [
          { type: "text", text: "Reading" },
          { type: "tool_use", name: "Read" },
        ],
      },
    };
    expect(summarizeEvent({ ...base, kind: "agent", data: claude }).summary).toBe("assistant: Reading tool Read");
  });

  it("shows states, revisions and message ids", () => {
    expect(summarizeEvent({ ...base, kind: "container.state", data: { state: "idle" } })).toEqual({
      offset: 7,
      kind: "container.state",
      time: base.time,
      summary: "idle",
    });
    expect(
      summarizeEvent({ ...base, kind: "git.committed", data: { revision: "0123456789abcdef", message: "m1" } }).summary,
    ).toBe("0123456789ab m1");
    expect(
      summarizeEvent({ ...base, kind: "message.error", data: { messageId: "m1", status: "error", error: "boom" } })
        .summary,
    ).toBe("m1 boom");
  });

  it("keeps a summary to one short line", () => {
    const long = summarizeEvent({ ...base, kind: "agent", data: { type: "text", text: "x\n".repeat(500) } }).summary;
    expect(long.length).toBe(MAX_SUMMARY);
    expect(long).not.toContain("\n");
  });
});
