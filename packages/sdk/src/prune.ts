import { existsSync, readdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { RegistryEntry } from "./registry/registry.js";
import { containersDir } from "./paths/state-dir.js";
import type { ContainerConfig } from "./state.js";
import { ContainerJournal } from "./stopped/journal.js";
import { isContainerGone, readStoppedContainer } from "./stopped/read.js";

/**
 * Options of {@link pruneContainers}.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, pruneContainers, type PruneOptions } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry() };
 * const options: PruneOptions = { dryRun: true };
 * console.log((await pruneContainers(config, options)).removed);
 * ```
 */
export interface PruneOptions {
  /** Say what would be removed, remove nothing. */
  dryRun?: boolean;
  /** Also remove what containers whose last push failed left (their only copy of the unpushed commits). */
  includeUnpushed?: boolean;
}

/**
 * What {@link pruneContainers} removed (or, with `dryRun`, would remove) and what it kept.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, pruneContainers, type PruneReport } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry() };
 * const report: PruneReport = await pruneContainers(config);
 * for (const path of report.removed) console.log(`removed ${path}`);
 * ```
 */
export interface PruneReport {
  /** Folders removed (container folders, copied journals) and Docker containers (`docker:<name>`). */
  removed: string[];
  /** Registry entries forgotten. */
  forgotten: string[];
  /** Stopped containers left alone, each with why. */
  kept: { containerName: string; reason: string }[];
}

/** The container folder a registry entry owns: the parent of its data folder, when it is named after the container. */
function folderOf(entry: RegistryEntry, stateDir: string | undefined): string | null {
  if (entry.driver === "process" && entry.dataDir !== undefined) {
    const dir = dirname(entry.dataDir);
    return basename(dir) === entry.containerName ? dir : null;
  }
  if (entry.driver === "docker") return join(containersDir(stateDir), entry.containerName);
  return null;
}

/** Whether a folder no registry entry names is what a stopped container left (its journal says stopped) or a failed start's leftovers. */
function leftBehind(dir: string): boolean {
  const data = join(dir, "data");
  if (!existsSync(join(data, "runtime.sqlite"))) return !existsSync(join(dir, "runtime.out"));
  const journal = ContainerJournal.open(data);
  try {
    const last = journal.lastEvent(["container.state"]);
    return (last?.data as { state?: unknown } | null)?.state === "stopped";
  } finally {
    journal.close();
  }
}

/**
 * Removes what stopped containers left: the folders of containers whose runtime is gone
 * (data, output and fresh workspace: never a `workspaceDir` you gave), exited Docker
 * containers and their copied journals, and their registry entries; plus folders in the
 * state folder no registry entry names whose journal says the container stopped. A
 * container whose last push failed keeps its folder (the commits are only there) unless
 * `includeUnpushed`. Running containers are never touched.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, pruneContainers } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry() };
 * const report = await pruneContainers(config, { dryRun: true });
 * console.log(`would remove ${report.removed.length} folder(s)`);
 * ```
 */
export async function pruneContainers(config: ContainerConfig, options: PruneOptions = {}): Promise<PruneReport> {
  const report: PruneReport = { removed: [], forgotten: [], kept: [] };
  const entries = await config.registry.getRecent(Number.MAX_SAFE_INTEGER);
  const named = new Set<string>();
  for (const entry of entries) {
    const folder = folderOf(entry, config.stateDir);
    if (folder !== null) named.add(folder);
    if (!(await isContainerGone(entry))) continue;
    const left = await readStoppedContainer(entry, { stateDir: config.stateDir });
    if (left.pushed === false && options.includeUnpushed !== true) {
      report.kept.push({
        containerName: entry.containerName,
        reason: `its last push failed and its commits are only in what it left (${folder ?? entry.workspaceDir ?? "the container"}); push them, or prune with --include-unpushed`,
      });
      continue;
    }
    if (entry.driver === "docker") {
      const { docker } = await import("./drivers/docker-cli.js");
      const id = entry.dockerContainerId ?? entry.containerName;
      const exists = await docker(["inspect", "--format", "{{.Id}}", id], { timeout: 15_000 }).catch(() => null);
      if (exists?.exitCode === 0) {
        if (options.dryRun !== true) await docker(["rm", "-f", id], { timeout: 60_000 });
        report.removed.push(`docker:${entry.containerName}`);
      }
    }
    if (folder !== null && existsSync(folder)) {
      if (options.dryRun !== true) await rm(folder, { recursive: true, force: true });
      report.removed.push(folder);
    }
    report.forgotten.push(entry.containerName);
  }
  const root = containersDir(config.stateDir);
  for (const name of existsSync(root) ? readdirSync(root) : []) {
    const dir = join(root, name);
    if (named.has(dir) || !leftBehind(dir)) continue;
    if (options.dryRun !== true) await rm(dir, { recursive: true, force: true });
    report.removed.push(dir);
  }
  const registry = config.registry as { remove?: (names: readonly string[]) => Promise<void> };
  if (options.dryRun !== true && typeof registry.remove === "function") await registry.remove(report.forgotten);
  return report;
}
