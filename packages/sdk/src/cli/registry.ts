import { existsSync } from "node:fs";
import { join } from "node:path";
import { FileContainerRegistry } from "../registry/file-registry.js";
import type { ContainerRegistry, RegistryEntry } from "../registry/registry.js";
import type { AgentState } from "../state.js";
import type { ContainerOutcome } from "../stopped/outcome.js";

/** The registry file older versions of the CLI kept in the current directory (and `npm start` still keeps in its checkout). */
export const LEGACY_REGISTRY_NAME = ".container-registry.jsonl";

/**
 * The CLI's registry when the current directory holds an older `./.container-registry.jsonl`:
 * new containers are recorded in the state folder's registry, and the containers the
 * older file knows stay reachable by name, listed, stopped and pruned where they are
 * recorded. The file is left in place (a platform checkout keeps its own registry there).
 */
export class RegistryWithLegacy implements ContainerRegistry {
  constructor(
    readonly primary: FileContainerRegistry,
    readonly legacy: FileContainerRegistry,
  ) {}

  async #holder(name: string): Promise<FileContainerRegistry> {
    return (await this.primary.find(name)) === null && (await this.legacy.find(name)) !== null
      ? this.legacy
      : this.primary;
  }

  log(state: AgentState): Promise<void> {
    return this.primary.log(state);
  }

  async markStopped(name?: string, outcome?: ContainerOutcome): Promise<void> {
    if (name === undefined) return this.primary.markStopped(undefined, outcome);
    return (await this.#holder(name)).markStopped(name, outcome);
  }

  async clearStopped(name: string): Promise<void> {
    return (await this.#holder(name)).clearStopped(name);
  }

  async getRecent(limit = 20): Promise<RegistryEntry[]> {
    const [own, old] = await Promise.all([this.primary.getRecent(limit), this.legacy.getRecent(limit)]);
    const names = new Set(own.map((entry) => entry.containerName));
    return [...own, ...old.filter((entry) => !names.has(entry.containerName))]
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .slice(0, limit);
  }

  async find(name: string): Promise<RegistryEntry | null> {
    return (await this.primary.find(name)) ?? (await this.legacy.find(name));
  }

  async findAlive(): Promise<RegistryEntry[]> {
    const [own, old] = await Promise.all([this.primary.findAlive(), this.legacy.findAlive()]);
    return [...own, ...old];
  }

  /** Forgets containers in whichever file records them. */
  async remove(names: readonly string[]): Promise<void> {
    await this.primary.remove(names);
    await this.legacy.remove(names);
  }
}

/**
 * The registry a CLI invocation uses: `registryPath` (the state folder's, or
 * `APP_BUILDING_REGISTRY`), read together with an older `./.container-registry.jsonl`
 * in `cwd` when there is one and no registry was chosen.
 */
export function cliRegistry(registryPath: string, cwd: string, chosen: boolean): ContainerRegistry {
  const primary = new FileContainerRegistry(registryPath);
  const legacyPath = join(cwd, LEGACY_REGISTRY_NAME);
  if (chosen || !existsSync(legacyPath) || primary.path === new FileContainerRegistry(legacyPath).path) return primary;
  return new RegistryWithLegacy(primary, new FileContainerRegistry(legacyPath));
}
