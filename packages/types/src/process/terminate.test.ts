import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { isAlive } from "./alive.js";
import { signalGroup } from "./signal.js";
import { spawnGroup } from "./spawn.js";
import { listProcesses } from "./stat.js";
import { terminate } from "./terminate.js";

/** Every live (not zombie) process of a group or a session, straight from the process list. */
function survivors(key: "pgrp" | "session", id: number): number[] {
  return (listProcesses() ?? []).filter((proc) => proc[key] === id && proc.state !== "Z").map((proc) => proc.pid);
}

/** Starts `bash -c script` in a group of its own and reads the pids it prints on its first line. */
async function start(script: string): Promise<{ pgid: number; pids: number[] }> {
  const child = spawnGroup("bash", ["-c", script], { stdio: ["ignore", "pipe", "inherit"] });
  started.push(child.pid!);
  let out = "";
  child.stdout!.setEncoding("utf8");
  while (!out.includes("\n")) {
    const [chunk] = (await once(child.stdout!, "data")) as [string];
    out += chunk;
  }
  return { pgid: child.pid!, pids: out.trim().split(/\s+/).map(Number) };
}

const started: number[] = [];
afterEach(() => {
  for (const pgid of started.splice(0)) signalGroup(pgid, "SIGKILL");
});

describe("terminate", () => {
  it("SIGKILLs a grandchild that ignores SIGTERM once the grace is over, leaving nothing of the group", async () => {
    const { pgid, pids } = await start(`bash -c 'trap "" TERM; echo $$; while :; do sleep 0.05; done' & wait`);
    const grandchild = pids[0]!;
    signalGroup(pgid, "SIGTERM");
    await sleep(200);
    expect(isAlive(grandchild)).toBe(true); // SIGTERM alone does not end it

    expect(await terminate({ group: pgid }, { graceMs: 100 })).toBe(true);

    expect(isAlive(grandchild)).toBe(false);
    expect(survivors("pgrp", pgid)).toEqual([]);
  });

  it("stops every process group of a session, not just its leader's", async () => {
    // Job control puts each background job in a process group of its own, as turbo does with its tasks.
    const { pgid: sid, pids } = await start(`set -m; sleep 60 & sleep 60 & echo $!; wait`);
    const job = pids[0]!;
    expect(survivors("pgrp", sid)).not.toContain(job); // another group ...
    expect(survivors("session", sid)).toContain(job); // ... of the same session

    expect(await terminate({ session: sid }, { graceMs: 1_000 })).toBe(true);

    expect(survivors("session", sid)).toEqual([]);
  });

  it("reports an empty set as terminated without signalling anything", async () => {
    const { pgid } = await start(`echo $$`);
    while (survivors("pgrp", pgid).length > 0) await sleep(10);
    expect(await terminate({ group: pgid }, { graceMs: 0 })).toBe(true);
  });

  it("stops at the first signal when the group obeys it: SIGINT, as Ctrl-C", async () => {
    const { pgid, pids } = await start(`trap 'exit 0' INT; echo $$; while :; do sleep 0.05; done`);
    expect(await terminate({ group: pgid }, { signal: "SIGINT", graceMs: 10_000 })).toBe(true);
    expect(isAlive(pids[0]!)).toBe(false);
    expect(survivors("pgrp", pgid)).toEqual([]);
  });
});
