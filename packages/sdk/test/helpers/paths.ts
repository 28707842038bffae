import { existsSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";

export { repoRoot, sdkRoot } from "./roots.js";

/** The scratch project the run's global setup installed the packed SDK in. */
export function packedProject(): string {
  return inject("packedProject");
}

/** The installed package's folder (`node_modules/@app-building/sdk` of the scratch project). */
function installedSdk(): string {
  const dir = join(packedProject(), "node_modules", "@app-building", "sdk");
  if (!existsSync(join(dir, "dist", "index.js")))
    throw new Error(`${dir} holds no built SDK: the packed install failed`);
  return dir;
}

/** The entry point of the SDK installed from its packed tarball, which tests and their child processes import. */
export function requireBuiltSdk(): string {
  return join(installedSdk(), "dist", "index.js");
}

/** The installed `app-building` CLI's entry (run it with `node`). */
export function cliEntry(): string {
  return join(installedSdk(), "dist", "cli", "main.js");
}
