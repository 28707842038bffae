#!/usr/bin/env node
// Builds one build scope with turbo, using exactly the filters of build-scopes.json.
// Usage: node scripts/build-scope.mjs <platform|all> [extra turbo args, e.g. --dry=json]
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** @typedef {typeof import("../packages/types/dist/build-scopes.js")} BuildScopesModule */

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [scope, ...extra] = process.argv.slice(2);
const turbo = join(root, "node_modules", ".bin", "turbo");
const env = { ...process.env, TURBO_NO_UPDATE_NOTIFIER: "1", TURBO_TELEMETRY_DISABLED: "1" };

/**
 * Runs turbo; exits the way it failed, saying why.
 *
 * @param {string[]} args
 * @param {{ quiet?: boolean }} [options] print turbo's output only when it fails
 */
function turboRun(args, { quiet = false } = {}) {
  const result = spawnSync(turbo, args, { cwd: root, stdio: quiet ? "pipe" : "inherit", env, encoding: "utf8" });
  if (result.error) {
    console.error(`cannot run turbo (${result.error.message}): run "npm run setup" first`);
    process.exit(1);
  }
  if (result.status !== 0) {
    if (quiet) process.stderr.write(`${result.stdout}${result.stderr}`);
    process.exit(result.status ?? 1);
  }
}

// The scope definition's loader and its turbo arguments live in @app-building/types: build
// it first (turbo replays it from its cache when nothing changed), so this never reads a
// stale copy.
turboRun(["run", "build", "--filter=@app-building/types", "--ui=stream", "--output-logs=errors-only"], {
  quiet: true,
});
/** @type {unknown} */
const loaded = await import(pathToFileURL(join(root, "packages", "types", "dist", "build-scopes.js")).href);
const { BUILD_SCOPES, loadBuildScopes, turboFilterArgs } = /** @type {BuildScopesModule} */ (loaded);
const known = /** @type {readonly string[]} */ (BUILD_SCOPES);
if (scope === undefined || !known.includes(scope)) {
  console.error(`unknown build scope "${scope ?? ""}": use one of ${BUILD_SCOPES.join(", ")}`);
  process.exit(2);
}
const scopes = loadBuildScopes(join(root, "build-scopes.json"));
const args = [
  "run",
  "build",
  "--ui=stream",
  ...turboFilterArgs(scopes, /** @type {import("../packages/types/dist/build-scopes.js").BuildScope} */ (scope)),
  ...extra,
];
if (!extra.some((arg) => arg.startsWith("--dry"))) console.error(`build:${scope}: turbo ${args.join(" ")}`);
turboRun(args);
