// Time to first byte of the console's deploy list (`/`) and a deploy's page (`/deploys/<id>`)
// with 1,000 deploys in core-back's database, over loopback, signed in.
// Target: median first byte of `/` <= 50 ms.
// Usage: node bench/console-pages.mjs [requests=200]   (after pnpm build)
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { openDatabase } from "../apps/core-back/dist/db/database.js";
import { DeployRepository } from "../apps/core-back/dist/deploy/repository.js";
import { ROOT, startCoreBack } from "./core-back-harness.mjs";
import { median, percentile } from "./stats.mjs";

const requests = Number(process.argv[2] ?? 200);
const DEPLOYS = 1_000;
const WARM_UP = 30;
const ADMIN = { email: "bench@example.test", password: "bench-password" };
const CORE_BACK_DIST = join(ROOT, "apps", "core-back", "dist");
const CONSOLE_MAIN = join(ROOT, "apps", "console", "dist", "main.js");

// core-back checks its build scopes against `turbo ls` at start: a one-package stand-in
// keeps the benchmark about the pages, not about this workspace's layout.
const fixture = mkdtempSync(join(tmpdir(), "console-bench-"));
const turbo = join(fixture, "turbo.mjs");
writeFileSync(
  turbo,
  `#!/usr/bin/env node\nconsole.log(JSON.stringify({ packages: { items: [{ name: "@fx/app", path: "apps/app" }] } }));\n`,
);
chmodSync(turbo, 0o755);
const scope = { description: "bench", filters: ["@fx/app"], restart: [] };
writeFileSync(join(fixture, "scopes.json"), JSON.stringify({ scopes: { platform: scope, all: scope } }));
const authEnv = {
  BETTER_AUTH_SECRET: "a-bench-secret-that-is-long-enough-0123456789",
  WORKSPACE_DIR: fixture,
  TURBO_BIN: turbo,
  BUILD_SCOPES_FILE: join(fixture, "scopes.json"),
};

const coreBack = await startCoreBack(authEnv);
/** @type {import("node:child_process").ChildProcess | undefined} */
let consoleChild;
try {
  const env = { ...process.env, ...authEnv, CORE_BACK_DATA_DIR: coreBack.dataDir, LOG_LEVEL: "warn" };
  execFileSync(
    process.execPath,
    [join(CORE_BACK_DIST, "cli", "create-admin.js"), "--email", ADMIN.email, "--password", ADMIN.password],
    {
      env,
      stdio: "ignore",
    },
  );

  // 1,000 finished deploys through core-back's own repository module (same schema, same file).
  const db = openDatabase(join(coreBack.dataDir, "core-back.db"));
  const repository = new DeployRepository(db);
  const logDir = join(coreBack.dataDir, "deploy-logs");
  mkdirSync(logDir, { recursive: true });
  const start = Date.now() - DEPLOYS * 60_000;
  /** @type {string | undefined} */
  let sampleId;
  db.transaction(() => {
    for (let i = 0; i < DEPLOYS; i += 1) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;
      const createdAt = new Date(start + i * 60_000);
      const logPath = join(logDir, `${id}.log`);
      repository.insert({
        id,
        scope: "platform",
        filters: ["@fx/app"],
        requestedBy: i % 3 === 0 ? "agent@example.test" : ADMIN.email,
        sessionId: i % 2 === 0 ? `session-${i}` : null,
        logPath,
        createdAt: createdAt.toISOString(),
      });
      const failed = i % 10 === 0;
      repository.update(id, {
        status: failed ? "error" : "ok",
        phase: failed ? "build" : "done",
        startedAt: new Date(createdAt.getTime() + 50).toISOString(),
        endedAt: new Date(createdAt.getTime() + 45_000).toISOString(),
        durationMs: 44_950,
        exitCode: failed ? 1 : 0,
        errorSummary: failed ? "@fx/app#build failed (exit 1): src/index.ts(2,14): error TS2322" : null,
      });
      sampleId = id;
    }
  })();
  db.close();
  // The sampled deploy's log: a typical turbo build's 300 lines (~24 KB).
  const lines = Array.from(
    { length: 300 },
    (_, i) => `@fx/app:build: [${i}] compiling src/module-${i}.ts ... done in ${i % 97} ms`,
  );
  writeFileSync(join(logDir, `${sampleId}.log`), `${lines.join("\n")}\n`);

  const child = spawn(process.execPath, [CONSOLE_MAIN], {
    env: {
      ...process.env,
      PORT: "0",
      CORE_BACK_URL: coreBack.url,
      APP_BUILDING_REGISTRY: join(fixture, "registry.jsonl"),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  consoleChild = child;
  /** @type {unknown[]} */
  const lineEvent = await once(createInterface({ input: child.stdout }), "line");
  const ready = /** @type {{ port: number }} */ (parseJson(String(lineEvent[0])));
  const consoleUrl = `http://127.0.0.1:${ready.port}`;

  const signIn = await fetch(`${consoleUrl}/sign-in`, {
    method: "POST",
    // A browser names the page's origin on a form post; the console refuses one without it.
    headers: { "content-type": "application/x-www-form-urlencoded", origin: consoleUrl },
    body: new URLSearchParams(ADMIN).toString(),
    redirect: "manual",
  });
  const cookie = signIn.headers.getSetCookie()[0]?.split(";")[0];
  if (signIn.status !== 303 || cookie === undefined)
    throw new Error(`sign-in through the console failed: ${signIn.status}`);
  const headers = { cookie };

  /** @param {string} path */
  async function firstByte(path) {
    const started = performance.now();
    const response = await fetch(`${consoleUrl}${path}`, { headers, redirect: "manual" });
    const ms = performance.now() - started;
    const body = await response.text();
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${body.slice(0, 500)}`);
    return { ms, bytes: body.length, body };
  }

  /** @param {string} path */
  async function measure(path) {
    for (let i = 0; i < WARM_UP; i += 1) await firstByte(path);
    const times = [];
    let bytes = 0;
    for (let i = 0; i < requests; i += 1) {
      const result = await firstByte(path);
      times.push(result.ms);
      bytes = result.bytes;
    }
    return { medianMs: round(median(times)), p99Ms: round(percentile(times, 99)), pageBytes: bytes };
  }

  const check = await firstByte("/");
  const rows = (check.body.match(/href="\/deploys\//g) ?? []).length;
  if (rows !== 50) throw new Error(`the deploy list shows ${rows} deploys, expected a page of 50`);

  const list = await measure("/");
  const detail = await measure(`/deploys/${sampleId}`);
  console.log(
    JSON.stringify({
      benchmark: "console-pages",
      deploysInDb: DEPLOYS,
      requests,
      list,
      detail,
      target: { listMedianMs: "<= 50" },
      met: list.medianMs <= 50,
    }),
  );
} finally {
  if (consoleChild !== undefined && consoleChild.exitCode === null) {
    consoleChild.kill("SIGTERM");
    await once(consoleChild, "exit");
  }
  await coreBack.stop();
  rmSync(fixture, { recursive: true, force: true });
}

/** @param {number} ms */
function round(ms) {
  return Number(ms.toFixed(2));
}

/**
 * @param {string} text
 * @returns {unknown}
 */
function parseJson(text) {
  return JSON.parse(text);
}
