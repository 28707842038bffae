import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { isAlive } from "./alive.js";
import { signalGroup } from "./signal.js";
import { spawnGroup } from "./spawn.js";
import { readStat } from "./stat.js";

describe("isAlive", () => {
  it("is true for a running process", () => {
    expect(isAlive(process.pid)).toBe(true);
  });

  it("is false once a process exited and was reaped", () => {
    const finished = spawnSync("true");
    expect(isAlive(finished.pid)).toBe(false);
  });

  it("is false for a zombie, which still answers signal 0", async () => {
    // The background subshell exits once its parent has become `sleep`, which never reaps it.
    const script = `(while [ "$(cat /proc/$$/comm)" != sleep ]; do sleep 0.01; done) & echo $!; exec sleep 30`;
    const parent = spawnGroup("sh", ["-c", script], { stdio: ["ignore", "pipe", "inherit"] });
    try {
      parent.stdout!.setEncoding("utf8");
      const [line] = (await once(parent.stdout!, "data")) as [string];
      const zombie = Number(line.trim());
      for (let i = 0; i < 300 && readStat(zombie)?.state !== "Z"; i++) await sleep(10);
      expect(readStat(zombie)?.state).toBe("Z");

      expect(() => process.kill(zombie, 0)).not.toThrow();
      expect(isAlive(zombie)).toBe(false);
    } finally {
      signalGroup(parent.pid!, "SIGKILL");
    }
  });
});
