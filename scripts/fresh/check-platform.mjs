#!/usr/bin/env node
// After `npm start` on a new machine: core-back and the console answer, every file that holds a
// credential is private (0600 in 0700 folders, whatever the umask `npm start` ran under), and a
// self-deploy of the platform scope, asked as the build skill asks it, answers ok. Prints one
// JSON line; exits 1 naming the first check that failed.
//   node scripts/fresh/check-platform.mjs [ANSWER_FILE]   (the self-deploy answer is saved there)
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";

const coreBack = `http://127.0.0.1:${process.env.CORE_BACK_PORT ?? "4000"}`;
const consoleUrl = `http://127.0.0.1:${process.env.CONSOLE_PORT ?? "4001"}`;
const answerFile = process.argv[2];
// The self-deploy token `npm start` made (0600, in core-back's data directory).
const dataDir = resolve(process.env.APP_BUILDING_DATA_DIR ?? ".data");
const deployToken = readFileSync(join(dataDir, "core-back", "self-deploy.token"), "utf8").trim();
const started = Date.now();

/**
 * @param {string} what
 * @param {boolean} ok
 * @param {string} detail
 */
function check(what, ok, detail) {
  if (!ok) {
    console.error(`[fresh/check-platform] ${what}: ${detail}`);
    process.exit(1);
  }
  console.error(`[fresh/check-platform] ok: ${what}`);
}

const health = await fetch(`${coreBack}/health`, { signal: AbortSignal.timeout(30_000) });
check("core-back answers /health", health.status === 200, `status ${health.status}`);

const signIn = await fetch(`${consoleUrl}/sign-in`, { signal: AbortSignal.timeout(30_000) });
const page = await signIn.text();
check(
  "the console renders its sign-in page",
  signIn.status === 200 && /<title>[^<]+<\/title>/.test(page) && /password/i.test(page),
  `status ${signIn.status}, ${page.slice(0, 200)}`,
);

// Folders of sources and builds, not state: releases are snapshots of the checkout, the turbo
// cache holds build outputs, workspaces are the agents' checkouts.
const NOT_STATE = new Set(["releases", "turbo-cache", "workspace", "node_modules"]);
// Files that hold tokens, sessions, prompts or results, by name.
const CREDENTIAL_FILE = /\.(db|sqlite|token|jsonl)(-wal|-shm)?$|(^|\/)\.env$/;

/**
 * Every credential file under `root` and the folders from it up to `root`: those whose mode
 * lets anyone but the owner in, as "path mode" strings.
 * @param {string} root
 * @returns {string[]}
 */
function openToOthers(root) {
  /** @type {string[]} */
  const found = [];
  /** @param {string} path */
  const note = (path) => {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) found.push(`${path} ${mode.toString(8)}`);
  };
  /** @param {string} dir */
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !NOT_STATE.has(entry.name)) walk(path);
      else if (entry.isFile() && CREDENTIAL_FILE.test(path)) {
        note(path);
        for (let folder = dirname(path); folder.startsWith(root); folder = dirname(folder)) note(folder);
      }
    }
  };
  if (existsSync(root)) walk(root);
  return [...new Set(found)];
}

const stateDir = resolve(process.env.APP_BUILDING_STATE_DIR ?? join(homedir(), ".local", "state", "app-building"));
const registry = resolve(".container-registry.jsonl");
const open = [...openToOthers(dataDir), ...openToOthers(stateDir)];
if (existsSync(registry) && (statSync(registry).mode & 0o077) !== 0)
  open.push(`${registry} ${(statSync(registry).mode & 0o777).toString(8)}`);
check(
  "every file holding a credential is 0600 in 0700 folders",
  open.length === 0 && existsSync(join(dataDir, "core-back")),
  open.length === 0 ? `no core-back data under ${dataDir}` : open.join(", "),
);

const deploy = await fetch(`${coreBack}/api/v1/self/deploy`, {
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${deployToken}` },
  body: JSON.stringify({ scope: "platform" }),
  signal: AbortSignal.timeout(10 * 60_000),
});
const text = await deploy.text();
if (answerFile !== undefined) writeFileSync(answerFile, text);
/** @type {{ ok?: unknown, status?: unknown, durationMs?: unknown }} */
let answer = {};
try {
  /** @type {unknown} */
  const parsed = JSON.parse(text);
  answer = /** @type {typeof answer} */ (parsed);
} catch {
  // checked below
}
check(
  "a self-deploy of the platform scope answers ok",
  deploy.status === 200 && answer.ok === true,
  text.slice(0, 2000),
);

const after = await fetch(`${consoleUrl}/sign-in`, { signal: AbortSignal.timeout(30_000) });
check("the console answers after the deploy restarted it", after.status === 200, `status ${after.status}`);

console.log(
  JSON.stringify({
    platform: "ok",
    deployStatus: answer.status,
    deployMs: answer.durationMs,
    checkMs: Date.now() - started,
  }),
);
