import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createGroupRegistry } from "./registry.js";
import { liveMembers, signalGroup } from "./signal.js";
import { spawnGroup } from "./spawn.js";

async function gone(pgid: number): Promise<void> {
  while (liveMembers({ group: pgid }).length > 0) await sleep(10);
}

describe("a group registry", () => {
  it("records a spawned group while it lives, in a private file, and forgets it once it ended", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "groups-")), "groups.json");
    const groups = createGroupRegistry({ file });
    const child = spawnGroup("sleep", ["0.1"], { stdio: "ignore", registry: groups });
    expect(groups.groups()).toEqual([child.pid]);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual([child.pid]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await new Promise((resolve) => child.once("close", resolve));
    expect(groups.has(child.pid!)).toBe(false);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual([]);
  });

  it("kills every recorded group at killAll", async () => {
    const groups = createGroupRegistry();
    const child = spawnGroup("sh", ["-c", "sleep 60 & sleep 60"], { stdio: "ignore", registry: groups });
    groups.killAll();
    await gone(child.pid!);
    expect(liveMembers({ group: child.pid! })).toEqual([]);
  });

  it("kills the groups a crashed run left in its file, and only those still led by their pid", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "groups-")), "groups.json");
    const left = spawnGroup("sh", ["-c", "sleep 60 & sleep 60"], { stdio: "ignore" });
    const finished = spawnGroup("true", [], { stdio: "ignore" });
    await new Promise((resolve) => finished.once("close", resolve));
    // What a run killed with -9 leaves: both recorded, one of them gone since.
    writeFileSync(file, JSON.stringify([left.pid, finished.pid]));
    try {
      const next = createGroupRegistry({ file });
      expect(next.killLeftovers()).toBe(1);
      await gone(left.pid!);
      expect(JSON.parse(readFileSync(file, "utf8"))).toEqual([]);
    } finally {
      signalGroup(left.pid!, "SIGKILL");
    }
  });
});
