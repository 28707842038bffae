import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { defaultRegistryPath, defaultStateDir } from "../paths/state-dir.js";
import type { AgentState } from "../state.js";
import type { ContainerOutcome } from "../stopped/outcome.js";
import { FileContainerRegistry } from "./file-registry.js";
import type { ContainerRegistry, RegistryEntry } from "./registry.js";

// The registry a program gets when it names none: what the CLI and `connect` both use.

/** The registry file older versions of the CLI kept in the current directory (and `npm start` still keeps in its checkout). */
export const LEGACY_REGISTRY_NAME = ".container-registry.jsonl";

/**
 * The default registry when the current directory holds an older `./.container-registry.jsonl`:
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

/** Where the default registry is, as read from an environment. */
export interface RegistryLocation {
  /** The registry file: `APP_BUILDING_REGISTRY` (resolved against `cwd`), else the state folder's. */
  path: string;
  /** Whether `APP_BUILDING_REGISTRY` named it (then an older `./.container-registry.jsonl` is not read). */
  chosen: boolean;
  /** The current directory, where an older `./.container-registry.jsonl` would be. */
  cwd: string;
}

/** Where the default registry is: `APP_BUILDING_REGISTRY` when set (and not blank), else `<stateDir>/registry.jsonl`. */
export function registryLocation(
  env: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): RegistryLocation {
  const named = env.APP_BUILDING_REGISTRY?.trim() === "" ? undefined : env.APP_BUILDING_REGISTRY;
  if (named !== undefined) return { path: resolve(cwd, named), chosen: true, cwd };
  return { path: defaultRegistryPath(defaultStateDir(env)), chosen: false, cwd };
}

/**
 * The registry at `location`, read together with an older `./.container-registry.jsonl`
 * in its `cwd` when there is one and no registry was chosen.
 */
export function openRegistry({ path, chosen, cwd }: RegistryLocation = registryLocation()): ContainerRegistry {
  const primary = new FileContainerRegistry(path);
  const legacyPath = join(cwd, LEGACY_REGISTRY_NAME);
  if (chosen || !existsSync(legacyPath) || primary.path === new FileContainerRegistry(legacyPath).path) return primary;
  return new RegistryWithLegacy(primary, new FileContainerRegistry(legacyPath));
}
