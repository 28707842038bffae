import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCoreBack } from "./harness.js";

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "console-harness-"));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("startCoreBack", () => {
  it("says core-back did not start, and leaves no temp dir behind, when core-back exits at once", async () => {
    const start = startCoreBack({ tempRoot: root, env: { BETTER_AUTH_SECRET: "too-short" } });
    await expect(start).rejects.toThrow(/core-back did not start.*BETTER_AUTH_SECRET/s);
    expect(readdirSync(root)).toEqual([]);
  });
});
