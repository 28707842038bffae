import { chmodSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";

/** Folders the SDK creates for its state: private to the user (they hold tokens and journals). */
const PRIVATE_FOLDER = 0o700;

/** The environment variables {@link defaultStateDir} reads. */
type StateEnv = Record<string, string | undefined>;

/**
 * Where the SDK and the CLI keep their per-user state (the registry, the process and
 * docker drivers' container folders): `APP_BUILDING_STATE_DIR` when set, else
 * `$XDG_STATE_HOME/app-building`, else `~/.local/state/app-building`. Never inside a
 * project, so an agent that commits its workspace never commits the SDK's files.
 *
 * @example
 * ```ts
 * import { defaultStateDir } from "@app-building/sdk";
 * console.log(defaultStateDir()); // "/home/me/.local/state/app-building"
 * console.log(defaultStateDir({ XDG_STATE_HOME: "/var/state" })); // "/var/state/app-building"
 * ```
 */
export function defaultStateDir(env: StateEnv = process.env): string {
  const explicit = env.APP_BUILDING_STATE_DIR?.trim();
  if (explicit !== undefined && explicit !== "") return resolve(explicit);
  const xdg = env.XDG_STATE_HOME?.trim();
  // The XDG spec says a relative value is invalid and must be ignored.
  if (xdg !== undefined && xdg !== "" && isAbsolute(xdg)) return join(xdg, "app-building");
  const home = env.HOME?.trim() || homedir();
  return join(home, ".local", "state", "app-building");
}

/**
 * The registry file in a state folder: `<stateDir>/registry.jsonl`; what
 * `new FileContainerRegistry()` uses when given no path.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, defaultRegistryPath } from "@app-building/sdk";
 * const registry = new FileContainerRegistry(defaultRegistryPath("/srv/agents/state"));
 * ```
 */
export function defaultRegistryPath(stateDir: string = defaultStateDir()): string {
  return join(stateDir, "registry.jsonl");
}

/** Where the local drivers keep their container folders: `<stateDir>/containers`, as an absolute path (a relative `stateDir` is resolved against the current directory). */
export function containersDir(stateDir: string | undefined): string {
  return resolve(stateDir ?? defaultStateDir(), "containers");
}

/**
 * Creates `dir` (and its parents) and makes `dir` itself private to the user (0700),
 * whatever the umask; parents that already exist are left as they are.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_FOLDER });
  chmodSync(dir, PRIVATE_FOLDER);
}
