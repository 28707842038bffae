// Makes sure the platform has a live, known-good release before its services start.
// Usage: node apps/core-back/dist/cli/release.js ensure --releases <dir> --cache <dir> --logs <dir>
// Reads the same environment as the server (WORKSPACE_DIR, BUILD_SCOPES_FILE, TURBO_BIN)
// and prints {"release", "created"} as JSON.
import { parseArgs } from "node:util";
import { loadBuildScopes } from "@app-building/types";
import { loadConfig } from "../env.js";
import { ensureInitialRelease } from "../deploy/releases/initial.js";
import { ReleaseStore } from "../deploy/releases/store.js";

const usage = "usage: release ensure --releases <dir> --cache <dir> --logs <dir>";

try {
  const { values, positionals } = parseArgs({
    options: { releases: { type: "string" }, cache: { type: "string" }, logs: { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
  if (
    positionals[0] !== "ensure" ||
    values.releases === undefined ||
    values.cache === undefined ||
    values.logs === undefined
  ) {
    throw new Error(usage);
  }
  const config = loadConfig();
  const scopes = loadBuildScopes(config.buildScopesFile);
  const store = new ReleaseStore({ dir: values.releases, keep: config.releasesKeep });
  const { release, created } = await ensureInitialRelease({
    store,
    workspaceDir: config.workspaceDir,
    turboBin: config.turboBin,
    cacheDir: values.cache,
    filters: scopes.scopes.platform.filters,
    env: config.childEnv,
    logDir: values.logs,
    timeoutMs: config.buildTimeoutMs,
  });
  process.stdout.write(`${JSON.stringify({ release: release.id, created })}\n`);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
