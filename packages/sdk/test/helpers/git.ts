import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { freePort, seedBareRepo } from "@app-building/testkit";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export { filesOnBranch, git } from "@app-building/testkit";

/**
 * A real bare repository (one commit, `README.md` on `main`) served by `git daemon` on
 * 127.0.0.1 with pushes enabled, so that a runtime anywhere on this machine (a process, a
 * container on the host network) can clone and push it.
 */
export interface ServedRepo {
  /** `git://127.0.0.1:<port>/origin.git` */
  url: string;
  /** The bare repository on disk. */
  bare: string;
  close(): Promise<void>;
}

export async function serveBareRepo(): Promise<ServedRepo> {
  const root = mkdtempSync(join(tmpdir(), "sdk-remote-"));
  const bare = seedBareRepo(root);
  const port = await freePort();
  const daemon: ChildProcess = spawn(
    "git",
    [
      "daemon",
      "--reuseaddr",
      "--export-all",
      "--enable=receive-pack",
      "--informative-errors",
      `--base-path=${root}`,
      "--listen=127.0.0.1",
      `--port=${port}`,
      root,
    ],
    { stdio: "ignore" },
  );
  const url = `git://127.0.0.1:${port}/origin.git`;
  for (let i = 0; ; i += 1) {
    try {
      execFileSync("git", ["ls-remote", url], { stdio: "ignore", timeout: 5_000 });
      break;
    } catch (error) {
      if (i > 100 || daemon.exitCode !== null) throw new Error(`git daemon did not serve ${url}`, { cause: error });
      await sleep(20);
    }
  }
  return {
    url,
    bare,
    close() {
      daemon.kill("SIGKILL");
      rmSync(root, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}
