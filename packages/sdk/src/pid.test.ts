import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { isProcessAlive } from "./pid.js";

describe("isProcessAlive", () => {
  it("knows this process is alive and a finished one is not", () => {
    expect(isProcessAlive(process.pid)).toBe(true);
    const finished = spawnSync(process.execPath, ["-e", ""]);
    expect(finished.pid).toBeGreaterThan(0);
    expect(isProcessAlive(finished.pid)).toBe(false);
  });
});
