import { existsSync } from "node:fs";
import { join } from "node:path";
import type { AgentState } from "../state.js";
import { containersDir, ensurePrivateDir } from "../paths/state-dir.js";
import { docker } from "./docker-cli.js";

/** Where the runtime keeps its journal inside the image (its `DATA_DIR` default). */
const CONTAINER_DATA_DIR = "/data";

/** Where a docker container's journal is kept on the host once copied out: `<stateDir>/containers/<name>/data`. */
export function dockerJournalDir(stateDir: string | undefined, containerName: string): string {
  return join(containersDir(stateDir), containerName, "data");
}

/**
 * Copies a docker container's data folder (its journal) to the host, so that it stays
 * readable after the container is removed. Works on a running or an exited container;
 * returns the host folder, or `null` when the container is not there any more.
 */
export async function copyDockerJournal(state: AgentState, stateDir: string | undefined): Promise<string | null> {
  const target = dockerJournalDir(stateDir, state.containerName);
  ensurePrivateDir(join(target, ".."));
  const copied = await docker(
    ["cp", `${state.dockerContainerId ?? state.containerName}:${CONTAINER_DATA_DIR}/.`, target],
    {
      timeout: 60_000,
    },
  );
  if (copied.exitCode !== 0) return existsSync(join(target, "runtime.sqlite")) ? target : null;
  return target;
}

/** Whether a docker container is still running (`false` once it exited or was removed). */
export async function dockerContainerRunning(state: AgentState): Promise<boolean> {
  const inspect = await docker(
    ["inspect", "--format", "{{.State.Running}}", state.dockerContainerId ?? state.containerName],
    {
      timeout: 15_000,
    },
  );
  return inspect.exitCode === 0 && inspect.stdout.trim() === "true";
}
