import { readFileSync, writeFileSync } from "node:fs";
import { signalGroup } from "./signal.js";
import { readStat } from "./stat.js";

/**
 * The process groups a program started and that are still alive, so it can leave none
 * behind: at its exit ({@link GroupRegistry.killAll}), and after a crash, from the file
 * the previous run kept them in ({@link GroupRegistry.killLeftovers}). Made once, in the
 * program's composition root, and passed to whoever spawns (see `spawnGroup`).
 *
 * @example
 * ```ts
 * import { createGroupRegistry, spawnGroup } from "@app-building/types/process";
 * const groups = createGroupRegistry({ file: "/data/agent-groups.json" });
 * groups.killLeftovers();
 * spawnGroup("codex", ["exec", "-"], { stdio: "pipe", registry: groups });
 * process.on("exit", () => groups.killAll());
 * ```
 */
export interface GroupRegistry {
  /** Records a live group (its leader's pid). */
  add(pgid: number): void;
  /** Forgets a group once it is gone. */
  delete(pgid: number): void;
  has(pgid: number): boolean;
  /** The groups recorded now. */
  groups(): number[];
  /** Sends SIGKILL (or `signal`) to every group recorded now. */
  killAll(signal?: NodeJS.Signals): void;
  /**
   * Kills every group the file names that still exists and is led by its recorded pid
   * (so not a reused pid), then records the groups of this run there. Call it once,
   * before spawning anything.
   *
   * @returns how many leftover groups it killed.
   */
  killLeftovers(): number;
}

/**
 * Makes a registry of live process groups, kept in `file` (mode 0600) when given so the
 * next run can kill what a crash (`kill -9` takes no child with it) left behind.
 *
 * @example
 * ```ts
 * import { join } from "node:path";
 * import { createGroupRegistry } from "@app-building/types/process";
 * const dataDir = process.env.DATA_DIR ?? "/data";
 * const groups = createGroupRegistry({ file: join(dataDir, "agent-groups.json") });
 * const killed = groups.killLeftovers();
 * if (killed > 0) console.log(`killed ${killed} process group(s) left by the previous run`);
 * ```
 */
export function createGroupRegistry(options: { file?: string } = {}): GroupRegistry {
  const live = new Set<number>();
  const { file } = options;
  const save = (): void => {
    if (file === undefined) return;
    try {
      writeFileSync(file, JSON.stringify([...live]), { mode: 0o600 });
    } catch {
      // best effort: the file only helps clean up after a crash
    }
  };
  return {
    add(pgid) {
      live.add(pgid);
      save();
    },
    delete(pgid) {
      if (live.delete(pgid)) save();
    },
    has: (pgid) => live.has(pgid),
    groups: () => [...live],
    killAll(signal = "SIGKILL") {
      for (const pgid of live) signalGroup(pgid, signal);
    },
    killLeftovers() {
      if (file === undefined) return 0;
      let killed = 0;
      let previous: unknown;
      try {
        previous = JSON.parse(readFileSync(file, "utf8"));
      } catch {
        previous = []; // no file yet
      }
      for (const pgid of Array.isArray(previous) ? (previous as unknown[]) : []) {
        if (typeof pgid !== "number" || pgid <= 1 || live.has(pgid) || readStat(pgid)?.pgrp !== pgid) continue;
        signalGroup(pgid, "SIGKILL");
        killed++;
      }
      save();
      return killed;
    },
  };
}
