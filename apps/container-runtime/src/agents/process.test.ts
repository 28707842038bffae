import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createRedactor } from "../redact.js";
import { SPLIT_SECRET_HOLD_MS, splitLines } from "./process.js";

const SECRET = "sk-7f3a9c01d4e2b8";

/** Lets the stream deliver what was written (setImmediate is not faked here). */
const delivered = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A stream of an agent's output, split into lines with SECRET redacted. */
function follow(): { stream: PassThrough; lines: string[]; ended: Promise<void> } {
  const stream = new PassThrough();
  const lines: string[] = [];
  const ended = splitLines(stream, (line) => lines.push(line), createRedactor([SECRET]));
  return { stream, lines, ended };
}

describe("splitLines with a redactor", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("lets out a quiet agent's last line whose end could start a secret, once the hold is over", async () => {
    const { stream, lines, ended } = follow();
    // Ends in "s", the first character of the secret: it could be a secret the agent wrapped.
    stream.write("working on: write the docs\n");
    await delivered();
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(SPLIT_SECRET_HOLD_MS - 1);
    expect(lines).toEqual([]);
    vi.advanceTimersByTime(1);
    // The agent is still running (the stream is open): the line is an event now, not at its exit.
    expect(lines).toEqual(["working on: write the docs"]);
    stream.end();
    await ended;
    expect(lines).toEqual(["working on: write the docs"]);
  });

  it("still redacts a secret split across two lines that come within the hold, and lets others through at once", async () => {
    const { stream, lines, ended } = follow();
    stream.write("plain line\n");
    await delivered();
    expect(lines).toEqual(["plain line"]);
    stream.write(`the key is ${SECRET.slice(0, 6)}\n`);
    await delivered();
    vi.advanceTimersByTime(SPLIT_SECRET_HOLD_MS - 10);
    stream.write(`${SECRET.slice(6)} and more\n`);
    await delivered();
    // The first hold's timer must not let out a line held again later before its own time.
    stream.write("next s\n");
    await delivered();
    vi.advanceTimersByTime(SPLIT_SECRET_HOLD_MS - 1);
    expect(lines).toEqual(["plain line", "the key is [REDACTED]", "[REDACTED] and more"]);
    vi.advanceTimersByTime(1);
    expect(lines.at(-1)).toBe("next s");
    stream.end();
    await ended;
    expect(lines.join("\n")).not.toContain(SECRET.slice(0, 6));
  });
});
