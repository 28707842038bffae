// Self-edit round trip: the agent's curl to the console serving the new build.
// In a copy of this checkout, `npm start` brings the platform up (no agent container);
// each round edits the console's visible title, runs the build skill's exact curl (as the
// agent does), and polls the console until it serves the new title. Dependencies
// are cached and only the console changes. Prints JSON: medians of the whole round trip
// and of its parts (queue, build, restart, then first page served), from the deploy rows.
//   node bench/self-edit-round-trip.mjs [rounds=5]
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ROOT, freePort } from "./core-back-harness.mjs";
import { median } from "./stats.mjs";

/** @import { Deploy, SelfDeployResponse } from "../packages/types/dist/index.js" */
/**
 * @typedef {{
 *   totalMs: number, queueMs: number, buildMs: number, restartMs: number, answerToServedMs: number,
 *   bootCheckMs: number, untilHealthyMs: number, settleMs: number
 * }} Sample
 */

const rounds = Number(process.argv[2] ?? 5);
const BRAND_FILE = join("apps", "console", "src", "views", "brand.ts");

/**
 * @param {string} command
 * @param {string[]} args
 * @param {string} cwd
 */
function sh(command, args, cwd, env = process.env) {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

// The build skill's exact command, run as the agent runs it (bash, curl, CORE_BACK_URL).
const skill = readFileSync(join(ROOT, "skills", "build", "SKILL.md"), "utf8");
const bashBlock = /```bash\n([\s\S]*?)\n```/.exec(skill)?.[1];
if (bashBlock === undefined) throw new Error("skills/build/SKILL.md has no bash block");
const skillCommand = bashBlock;

/** @returns {Promise<string>} */
function curl() {
  return new Promise((resolve, reject) => {
    // What the start command gives the platform's agent: the token that allows this call only.
    const token = readFileSync(join(dir, ".data", "core-back", "self-deploy.token"), "utf8").trim();
    const child = spawn("bash", ["-c", skillCommand], {
      env: { ...env, CORE_BACK_URL: coreBack, APP_BUILDING_DEPLOY_TOKEN: token },
    });
    let out = "";
    child.stdout.on("data", (/** @type {Buffer} */ chunk) => (out += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`curl exited ${code}: ${out}`))));
  });
}

const dir = mkdtempSync(join(tmpdir(), "app-building-self-edit-bench-"));
const env = {
  ...process.env,
  PATH: [join(ROOT, ".tools", "bin"), process.env.PATH ?? ""].join(delimiter),
  CORE_BACK_PORT: String(await freePort()),
  CONSOLE_PORT: String(await freePort()),
  ADMIN_EMAIL: "bench@bench.test",
  ADMIN_PASSWORD: "bench-password",
  APP_BUILDING_AGENT: "none",
  CI: "true",
};
const coreBack = `http://127.0.0.1:${env.CORE_BACK_PORT}`;
const consoleUrl = `http://127.0.0.1:${env.CONSOLE_PORT}`;

try {
  // The working tree as it is (tracked and untracked, not ignored), with turbo's cache.
  const files = sh("git", ["ls-files", "-z", "-co", "--exclude-standard"], ROOT).split("\0").filter(Boolean);
  for (const file of files) if (existsSync(join(ROOT, file))) cpSync(join(ROOT, file), join(dir, file));
  if (existsSync(join(ROOT, ".turbo", "cache")))
    cpSync(join(ROOT, ".turbo", "cache"), join(dir, ".turbo", "cache"), { recursive: true });
  sh("git", ["init", "-q", "-b", "main"], dir);
  sh("git", ["add", "-A"], dir);
  sh("git", ["-c", "user.name=bench", "-c", "user.email=bench@bench.test", "commit", "-qm", "bench base"], dir);
  sh("node", ["scripts/run.mjs", "start"], dir, env);

  const signIn = await fetch(`${coreBack}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: coreBack },
    body: JSON.stringify({ email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }),
  });
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");

  /** @type {Sample[]} */
  const samples = [];
  const original = readFileSync(join(dir, BRAND_FILE), "utf8");
  for (let round = 0; round <= rounds; round += 1) {
    const title = `app-building console, round ${round}`;
    writeFileSync(join(dir, BRAND_FILE), original.replace(/BRAND = "[^"]*"/, `BRAND = "${title}"`));
    const t0 = performance.now();
    const answer = /** @type {SelfDeployResponse} */ (parseJson(await curl()));
    const answered = performance.now();
    if (!answer.ok) throw new Error(`round ${round}: the deploy failed: ${answer.errorSummary}`);
    for (;;) {
      const page = await fetch(`${consoleUrl}/sign-in`).then(
        (r) => r.text(),
        () => "",
      );
      if (page.includes(title)) break;
      await sleep(5);
    }
    const served = performance.now();
    const row = /** @type {Deploy} */ (
      await (await fetch(`${coreBack}/deploy/${answer.deployId}`, { headers: { cookie } })).json()
    );
    // The restart phase's parts, as the deploy's own log states them: core-back's boot check
    // on a spare port, the console's restart until it answers from the new release, and the
    // settle window it must then stay healthy for.
    const log = await (await fetch(`${coreBack}/deploy/${answer.deployId}/log`, { headers: { cookie } })).text();
    const logged = (/** @type {RegExp} */ pattern) => Number(pattern.exec(log)?.[1] ?? NaN);
    // NaN for a time the deploy does not have, as Date.parse(null) gives.
    const at = (/** @type {string | null} */ iso) => (iso === null ? NaN : Date.parse(iso));
    const sample = {
      totalMs: served - t0,
      queueMs: at(row.startedAt) - at(row.createdAt),
      buildMs: at(row.buildEndedAt) - at(row.startedAt),
      restartMs: at(row.endedAt) - at(row.buildEndedAt),
      answerToServedMs: served - answered,
      bootCheckMs: logged(/booted and answered in (\d+) ms/),
      untilHealthyMs: logged(/console answered from release \S+ after (\d+) ms/),
      settleMs: logged(/and stayed healthy (\d+) ms/),
    };
    // Round 0 warms the caches (the first build of a fresh copy) and is not counted.
    if (round > 0) samples.push(sample);
  }
  const med = (/** @type {keyof Sample} */ key) => Math.round(median(samples.map((s) => s[key])));
  const medianMs = {
    total: med("totalMs"),
    queue: med("queueMs"),
    build: med("buildMs"),
    restart: med("restartMs"),
    answerToServed: med("answerToServedMs"),
    restartParts: { bootCheck: med("bootCheckMs"), untilHealthy: med("untilHealthyMs"), settle: med("settleMs") },
  };
  const result = {
    benchmark: "self-edit-round-trip",
    rounds,
    medianMs,
    samples: samples.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Math.round(v)]))),
    // The whole restart phase holds the boot check and the settle window (3.5 s in
    // build-scopes.json, longer than a console that exits after 3 s), so it cannot be
    // <= 2 s; the part a restart itself costs, until the new release answers, can.
    target: { restartMs: 2000, untilHealthyMs: 2000 },
    meetsTarget: { restart: medianMs.restart <= 2000, untilHealthy: medianMs.restartParts.untilHealthy <= 2000 },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  spawnSync("node", ["scripts/run.mjs", "stop"], { cwd: dir, env, stdio: "ignore" });
  rmSync(dir, { recursive: true, force: true });
}

/**
 * @param {string} text
 * @returns {unknown}
 */
function parseJson(text) {
  return JSON.parse(text);
}
