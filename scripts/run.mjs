#!/usr/bin/env node
// The README's commands. Each does its whole set-up on a fresh machine (Node 20 + npm):
// installs the pinned pnpm under .tools/ when it is missing, installs dependencies from
// the frozen lockfile, builds, then runs.
//   node scripts/run.mjs setup   set up only
//   node scripts/run.mjs test    set up, build everything, run every test suite
//   node scripts/run.mjs start   set up, build the platform scope, start the platform
//                                (--foreground: supervisord stays attached, for containers)
//   node scripts/run.mjs stop    stop the platform's agent container, services and supervisord
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const command = process.argv[2] ?? "test";
const started = Date.now();

/** @type {NodeJS.ProcessEnv} */
const env = {
  ...process.env,
  TURBO_NO_UPDATE_NOTIFIER: "1",
  TURBO_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
  npm_config_update_notifier: "false",
};

// better-sqlite3 has no reachable prebuilt binary, so node-gyp compiles it, and downloads
// Node's headers first unless it is told where local ones are: point it at the headers
// installed with this very Node when there are any.
const localHeaders = join(dirname(process.execPath), "..");
if (env.npm_config_nodedir === undefined && existsSync(join(localHeaders, "include", "node", "node.h"))) {
  env.npm_config_nodedir = localHeaders;
}

/** @param {string} message */
function say(message) {
  console.log(`\n[app-building] ${message}`);
}

/**
 * @param {string} message
 * @returns {never}
 */
function fail(message) {
  console.error(`\n[app-building] ${message}`);
  process.exit(1);
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {import("node:child_process").SpawnSyncOptions} [options]
 */
function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: "inherit", env, ...options });
  if (result.error) fail(`could not run ${cmd}: ${result.error.message}`);
  return result.status ?? 1;
}

/**
 * @param {string} cmd
 * @param {string[]} args
 * @param {string} what
 */
function must(cmd, args, what) {
  const status = run(cmd, args);
  if (status !== 0) fail(`${what} failed (exit ${status})`);
}

function checkNode() {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    fail(`Node ${process.versions.node} is too old: install Node 20.19 or newer`);
  }
}

/** @param {string} path */
function pnpmVersionOn(path) {
  const result = spawnSync("pnpm", ["--version"], { env: { ...env, PATH: path }, encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : null;
}

function ensurePnpm() {
  /** @type {unknown} */
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const { packageManager } = /** @type {{ packageManager: string }} */ (manifest);
  const pinned = packageManager.replace(/^pnpm@/, "");
  const toolsBin = join(root, ".tools", "bin");
  const withTools = `${toolsBin}${delimiter}${env.PATH ?? ""}`;
  if (pnpmVersionOn(env.PATH ?? "") === pinned) return;
  if (!existsSync(join(toolsBin, "pnpm")) || pnpmVersionOn(withTools) !== pinned) {
    say(`installing pnpm ${pinned} into .tools/ (npm registry)`);
    must(
      "npm",
      ["install", "--global", "--prefix", join(root, ".tools"), `pnpm@${pinned}`, "--no-audit", "--no-fund"],
      "installing pnpm",
    );
  }
  env.PATH = withTools;
}

// System pieces the suites and the platform need (supervisord, a Docker Engine, ...):
// each scripts/ensure/*.sh is idempotent, gets the command (setup|test|start) as $1,
// installs or starts what that command needs, and says what it did.
function ensureSystem() {
  const dir = join(root, "scripts", "ensure");
  if (!existsSync(dir)) return;
  for (const script of readdirSync(dir)
    .filter((name) => name.endsWith(".sh"))
    .sort()) {
    must("bash", [join(dir, script), command], `scripts/ensure/${script}`);
  }
}

// Written after a successful install: a later test or start skips `pnpm install` (tens of
// seconds even when nothing changed) until the lockfile or a package.json is newer.
const installStamp = join(root, "node_modules", ".app-building-installed");

function installInputs() {
  const files = ["package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml"].map((file) => join(root, file));
  for (const parent of ["apps", "packages"]) {
    const dir = join(root, parent);
    if (existsSync(dir)) for (const name of readdirSync(dir)) files.push(join(dir, name, "package.json"));
  }
  for (const dir of ["skills", "docs", "e2e"]) files.push(join(root, dir, "package.json"));
  return files.filter((file) => existsSync(file));
}

function installIsCurrent() {
  if (!existsSync(installStamp)) return false;
  const installed = statSync(installStamp).mtimeMs;
  return installInputs().every((file) => statSync(file).mtimeMs < installed);
}

/** @param {{ force?: boolean }} [options] */
function setup({ force = true } = {}) {
  checkNode();
  ensurePnpm();
  if (!force && installIsCurrent()) {
    say("dependencies are installed and the lockfile is unchanged (npm run setup reinstalls)");
  } else {
    say("installing dependencies from the lockfile (pnpm install --frozen-lockfile)");
    must("pnpm", ["install", "--frozen-lockfile", "--prefer-offline"], "pnpm install");
    writeFileSync(installStamp, `${new Date().toISOString()}\n`);
  }
  ensureSystem();
}

function seconds() {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

switch (command) {
  case "setup": {
    setup();
    say(`set up in ${seconds()}`);
    break;
  }
  case "test": {
    setup({ force: false });
    say("building every workspace package (turbo run build)");
    must("pnpm", ["exec", "turbo", "run", "build", "--ui=stream", "--output-logs=errors-only"], "build");
    say("running every test suite (vitest, all workspace projects)");
    // vitest's summary reporter prints the closing "tests: N passed, N failed" line last.
    const status = run("pnpm", ["exec", "vitest", "run"]);
    if (status !== 0) say(`tests failed (exit ${status}) after ${seconds()}`);
    process.exit(status);
    break;
  }
  case "start": {
    setup({ force: false });
    say("building the platform scope (build-scopes.json: platform) and the skills the agent gets");
    must(
      "node",
      ["scripts/build-scope.mjs", "platform", "--filter=@app-building/skills", "--output-logs=errors-only"],
      "build:platform",
    );
    const { platformSettings } = await import("./platform/settings.mjs");
    const { startPlatform } = await import("./platform/start.mjs");
    const foreground = process.argv.includes("--foreground");
    try {
      await startPlatform(platformSettings(root, env), { foreground, say });
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
    if (!foreground) say(`started in ${seconds()}`);
    break;
  }
  case "stop": {
    const { platformSettings } = await import("./platform/settings.mjs");
    const { stopPlatform } = await import("./platform/stop.mjs");
    try {
      await stopPlatform(platformSettings(root, env), { say });
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
    break;
  }
  default:
    fail(`unknown command "${command}": use setup, test, start or stop`);
}
