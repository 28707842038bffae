import { open } from "node:fs/promises";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { signalGroup, spawnGroup } from "@app-building/types/process";
import type * as Sdk from "../../src/index.js";

/**
 * Kills a process container's runtime with SIGKILL (as a crash would) and starts it again
 * on the same port, data and workspace directories, name and token: what a supervisor
 * restarting the runtime does. Resolves once it answers again; returns its new pid.
 */
export async function crashAndRestart(
  sdk: typeof Sdk,
  state: Sdk.AgentState,
  env: Record<string, string>,
): Promise<number> {
  signalGroup(state.pid!, "SIGKILL");
  while (await sdk.probeAlive(state, 200)) await sleep(10);
  const port = new URL(state.baseUrl).port;
  const dir = dirname(state.dataDir!);
  const out = await open(join(dir, "restart.out"), "a");
  const child = spawnGroup(process.execPath, [sdk.resolveRuntimeEntry()], {
    cwd: dir,
    stdio: ["ignore", out.fd, out.fd],
    env: {
      ...process.env,
      ...env,
      PORT: port,
      HOST: "127.0.0.1",
      CONTAINER_NAME: state.containerName,
      CONTAINER_TOKEN: state.token,
      DATA_DIR: state.dataDir!,
      WORKSPACE_DIR: state.workspaceDir!,
    },
  });
  await out.close();
  child.unref();
  const deadline = Date.now() + 20_000;
  while (!(await sdk.probeAlive(state, 500))) {
    if (Date.now() > deadline) throw new Error("the restarted runtime did not answer within 20 s");
    await sleep(20);
  }
  return child.pid!;
}
