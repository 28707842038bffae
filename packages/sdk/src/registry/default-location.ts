import { join } from "node:path";

/**
 * Where the CLI and {@link connect} look for the registry when they are given none:
 * `APP_BUILDING_REGISTRY`, else `.container-registry.jsonl` in the current directory.
 */
export function defaultRegistryPath(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const named = env.APP_BUILDING_REGISTRY;
  return named === undefined || named.trim() === "" ? join(cwd, ".container-registry.jsonl") : named;
}
