import { existsSync } from "node:fs";
import { join } from "node:path";
import type { RegistryEntry } from "../registry/registry.js";
import type { AgentState } from "../state.js";
import { ContainerJournal } from "./journal.js";
import { NO_OUTCOME, outcomeFromJournal, type StoppedContainer } from "./outcome.js";

/**
 * Options of {@link readStoppedContainer}, {@link openStoppedJournal} and {@link isContainerGone}.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, readStoppedContainer, type StoppedReadOptions } from "@app-building/sdk";
 * const entry = await new FileContainerRegistry().find("app-building-3f2a9c01d4");
 * if (entry === null) throw new Error("app-building-3f2a9c01d4 is not in the registry");
 * const options: StoppedReadOptions = { stateDir: "/srv/agents/state" };
 * await readStoppedContainer(entry, options);
 * ```
 */
export interface StoppedReadOptions {
  /** The state folder the container was started with (`ContainerConfig.stateDir`); default `defaultStateDir()`. */
  stateDir?: string;
}

/**
 * Whether a container has exited, judged without asking its API: a process container
 * whose runtime process is gone, a docker container that is not running; a Fly container
 * only when the registry marked it stopped.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, isContainerGone } from "@app-building/sdk";
 * for (const entry of await new FileContainerRegistry().findAlive()) {
 *   if (await isContainerGone(entry)) console.log(`${entry.containerName} has exited`);
 * }
 * ```
 */
export async function isContainerGone(entry: AgentState & { stoppedAt?: string | null }): Promise<boolean> {
  if (entry.driver === "process") {
    const { isRuntimeProcess } = await import("../drivers/process.js");
    return entry.pid === undefined || !isRuntimeProcess(entry.pid);
  }
  if (entry.driver === "docker") {
    const { dockerContainerRunning } = await import("../drivers/docker-journal.js");
    return !(await dockerContainerRunning(entry).catch(() => false));
  }
  return entry.stoppedAt !== undefined && entry.stoppedAt !== null;
}

/**
 * Opens the journal a process or docker container left (read-only), or returns `null`
 * when there is none (a Fly container, a folder `app-building prune` removed). A docker
 * container's journal is copied out of it first when it has not been already.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, openStoppedJournal } from "@app-building/sdk";
 * const entry = await new FileContainerRegistry().find("app-building-3f2a9c01d4");
 * if (entry === null) throw new Error("app-building-3f2a9c01d4 is not in the registry");
 * const journal = await openStoppedJournal(entry);
 * for (const line of journal?.logs() ?? []) console.log(line.line);
 * journal?.close();
 * ```
 */
export async function openStoppedJournal(
  entry: AgentState,
  options: StoppedReadOptions = {},
): Promise<ContainerJournal | null> {
  let dataDir: string | null = null;
  if (entry.driver === "process") dataDir = entry.dataDir ?? null;
  else if (entry.driver === "docker") {
    const { copyDockerJournal, dockerJournalDir } = await import("../drivers/docker-journal.js");
    const kept = dockerJournalDir(options.stateDir, entry.containerName);
    dataDir = existsSync(join(kept, "runtime.sqlite"))
      ? kept
      : await copyDockerJournal(entry, options.stateDir).catch(() => null);
  }
  if (dataDir === null || !existsSync(join(dataDir, "runtime.sqlite"))) return null;
  return ContainerJournal.open(dataDir);
}

/**
 * Reads what a container that has exited left: its journal for the process and docker
 * drivers, what the registry kept when it was stopped for Fly. The answer says it is
 * stopped, with its final revision, push outcome and last message.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, readStoppedContainer } from "@app-building/sdk";
 * const entry = await new FileContainerRegistry().find("app-building-3f2a9c01d4");
 * if (entry !== null) {
 *   const stopped = await readStoppedContainer(entry);
 *   console.log(stopped.revision, stopped.pushed, stopped.lastMessage?.result);
 * }
 * ```
 */
export async function readStoppedContainer(
  entry: AgentState & Partial<Pick<RegistryEntry, "stoppedAt" | "outcome">>,
  options: StoppedReadOptions = {},
): Promise<StoppedContainer> {
  const base = {
    containerName: entry.containerName,
    driver: entry.driver,
    state: "stopped" as const,
    stoppedAt: entry.stoppedAt ?? null,
  };
  const journal = await openStoppedJournal(entry, options);
  if (journal !== null) {
    try {
      return { ...base, ...outcomeFromJournal(journal), source: "journal" };
    } finally {
      journal.close();
    }
  }
  if (entry.outcome !== undefined) return { ...base, ...NO_OUTCOME, ...entry.outcome, source: "registry" };
  return { ...base, ...NO_OUTCOME, pushBranch: entry.pushBranch ?? null, source: "none" };
}
