#!/usr/bin/env node
// Builds one build scope with turbo, using exactly the filters of build-scopes.json.
// Usage: node scripts/build-scope.mjs <platform|all> [extra turbo args, e.g. --dry=json]
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const [scope, ...extra] = process.argv.slice(2);
/** @type {unknown} */
const parsed = JSON.parse(readFileSync(join(root, "build-scopes.json"), "utf8"));
const definition = /** @type {{ scopes?: Record<string, { filters: string[] }> }} */ (parsed);
const entry = definition.scopes?.[scope ?? ""];
if (entry === undefined) {
  console.error(`unknown build scope "${scope ?? ""}": use one of ${Object.keys(definition.scopes ?? {}).join(", ")}`);
  process.exit(2);
}

const turbo = join(root, "node_modules", ".bin", "turbo");
const args = ["run", "build", "--ui=stream", ...entry.filters.map((filter) => `--filter=${filter}`), ...extra];
if (!extra.some((arg) => arg.startsWith("--dry"))) console.error(`build:${scope}: turbo ${args.join(" ")}`);
const result = spawnSync(turbo, args, {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, TURBO_NO_UPDATE_NOTIFIER: "1", TURBO_TELEMETRY_DISABLED: "1" },
});
if (result.error) {
  console.error(`cannot run turbo (${result.error.message}): run "npm run setup" first`);
  process.exit(1);
}
process.exit(result.status ?? 1);
