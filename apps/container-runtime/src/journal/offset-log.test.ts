import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { createRedactor } from "../redact.js";
import { openDatabase } from "./database.js";
import { Journal } from "./journal.js";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "journal-"));
}

describe("the journal", () => {
  it("gives events dense offsets from 0 and reads a page from any offset", () => {
    const journal = new Journal(openDatabase(tempDir()), createRedactor([]));
    for (let i = 0; i < 5; i++) journal.event("agent", "m1", { i });
    journal.flush();
    const page = JSON.parse(journal.events.pageJson(2, 2)) as {
      items: { offset: number; data: unknown }[];
      nextOffset: number;
    };
    expect(page.items.map((item) => item.offset)).toEqual([2, 3]);
    expect(page.items[0]?.data).toEqual({ i: 2 });
    expect(page.nextOffset).toBe(4);
    expect(JSON.parse(journal.events.pageJson(99, 10))).toEqual({ items: [], nextOffset: 99 });
  });

  it("keeps every committed event at the same offset after reopening", () => {
    const dir = tempDir();
    const first = openDatabase(dir);
    const journal = new Journal(first, createRedactor([]));
    journal.event("agent", null, { n: 1 });
    journal.log("stderr", "oops");
    journal.flush();
    first.close();
    const reopened = new Journal(openDatabase(dir), createRedactor([]));
    expect(reopened.events.nextOffset).toBe(1);
    expect(reopened.event("agent", null, { n: 2 })).toBe(1);
    reopened.flush();
    expect(reopened.events.readJson(0, 10).map((text) => (JSON.parse(text) as { data: unknown }).data)).toEqual([
      { n: 1 },
      { n: 2 },
    ]);
    expect(JSON.parse(reopened.logs.readJson(0, 1)[0] ?? "null")).toMatchObject({
      offset: 0,
      stream: "stderr",
      line: "oops",
    });
  });

  it("shows readers only what is committed, and wakes a waiting reader on commit", async () => {
    const journal = new Journal(openDatabase(tempDir()), createRedactor([]));
    const waiting = journal.events.waitFor(0, 5000);
    journal.event("agent", null, {});
    expect(journal.events.readJson(0, 10)).toEqual([]);
    await waiting;
    expect(journal.events.readJson(0, 10)).toHaveLength(1);
  });

  it("gives up waiting after the timeout when nothing arrives, and not before", async () => {
    const journal = new Journal(openDatabase(tempDir()), createRedactor([]));
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      let gaveUp = false;
      void journal.events.waitFor(0, 50).then(() => (gaveUp = true));
      await vi.advanceTimersByTimeAsync(49);
      expect(gaveUp).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(gaveUp).toBe(true);
      expect(journal.events.readJson(0, 10)).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("redacts secrets before they reach disk", () => {
    const journal = new Journal(openDatabase(tempDir()), createRedactor(["s3cr3t-value"]));
    journal.agentLine("m", '{"type":"text","text":"token s3cr3t-value"}');
    journal.log("stderr", "s3cr3t-value leaked");
    journal.flush();
    expect(journal.events.readJson(0, 1)[0]).toContain('"token [REDACTED]"');
    expect(journal.logs.readJson(0, 1)[0]).toContain("[REDACTED] leaked");
  });
});
