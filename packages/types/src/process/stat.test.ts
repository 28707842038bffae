import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { spawnGroup } from "./spawn.js";
import { readCommandLine } from "./stat.js";

describe("readCommandLine", () => {
  it("gives a running process's arguments one by one, spaces and empty ones kept", () => {
    // `sh -c` keeps running (and keeps its arguments) while `sleep` runs as its child.
    const shell = spawnGroup("sh", ["-c", "sleep 30; true", "a b", ""], { stdio: "ignore" });
    try {
      expect(readCommandLine(shell.pid!)).toEqual(["sh", "-c", "sleep 30; true", "a b", ""]);
    } finally {
      shell.kill("SIGKILL");
    }
  });

  it("is undefined for a process that is gone", () => {
    const finished = spawnSync("true");
    expect(readCommandLine(finished.pid)).toBeUndefined();
  });
});
