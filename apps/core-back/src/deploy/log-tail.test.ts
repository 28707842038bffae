import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LOG_TAIL_BYTES, readLogTail, trimToUtf8Boundaries } from "./log-tail.js";

const dir = mkdtempSync(join(tmpdir(), "log-tail-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readLogTail", () => {
  it("returns a short log whole", () => {
    const path = join(dir, "short.log");
    writeFileSync(path, "line one\nline two\n");
    expect(readLogTail(path)).toBe("line one\nline two\n");
  });

  it("returns the last 8 KB of a long log", () => {
    const path = join(dir, "long.log");
    writeFileSync(path, `${"a".repeat(20_000)}THE END`);
    const tail = readLogTail(path);
    expect(Buffer.byteLength(tail)).toBe(LOG_TAIL_BYTES);
    expect(tail.endsWith("aTHE END")).toBe(true);
  });

  it("never starts with half a character when the cut falls inside one", () => {
    const path = join(dir, "utf8.log");
    // "é" is 2 bytes, "€" 3, "😀" 4: whatever the offset, the tail must decode cleanly.
    for (const char of ["é", "€", "😀"]) {
      for (let pad = 0; pad < 4; pad += 1) {
        writeFileSync(path, "x".repeat(pad) + char.repeat(5000));
        const tail = readLogTail(path);
        expect(tail).not.toContain("\uFFFD");
        expect(tail.length).toBeGreaterThan(0);
        expect([...tail].every((c) => c === char || c === "x")).toBe(true);
      }
    }
  });

  it("drops a character the writer has only half written at the end", () => {
    const euro = Buffer.from("€");
    expect(trimToUtf8Boundaries(Buffer.concat([Buffer.from("ab"), euro.subarray(0, 2)]), false).toString()).toBe("ab");
    expect(trimToUtf8Boundaries(Buffer.concat([Buffer.from("ab"), euro]), false).toString()).toBe("ab€");
  });

  it("gives an empty tail for a log that does not exist", () => {
    expect(readLogTail(join(dir, "missing.log"))).toBe("");
  });
});
