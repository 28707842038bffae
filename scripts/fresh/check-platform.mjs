#!/usr/bin/env node
// After `npm start` on a new machine: core-back and the console answer, and a self-deploy of
// the platform scope, asked as the build skill asks it, answers ok. Prints one JSON line;
// exits 1 naming the first check that failed.
//   node scripts/fresh/check-platform.mjs [ANSWER_FILE]   (the self-deploy answer is saved there)
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

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
