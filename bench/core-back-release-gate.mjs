// Restart-and-gate: how long a promotion takes to restart a service under a real
// supervisord and see it answer /health from the new release (the gate before its settle
// window, and with it), and how long a service that throws at start takes to be detected
// and rolled back, against its start timeout + 5 s. The service is a small node server
// (its own start time is not what is measured: the mechanism is).
//   node bench/core-back-release-gate.mjs [rounds=7]
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { Promotion } from "../apps/core-back/dist/deploy/promotion.js";
import { ReleaseStore } from "../apps/core-back/dist/deploy/releases/store.js";
import { SupervisorClient } from "../apps/core-back/dist/supervisor/client.js";
import { freePort } from "./core-back-harness.mjs";
import { median } from "./stats.mjs";

const rounds = Number(process.argv[2] ?? 7);
const START_TIMEOUT_MS = 5_000;
const SETTLE_MS = 3_500;

const SERVER = (/** @type {boolean} */ crash) => `
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
${crash ? 'throw new Error("boom at start");' : ""}
const release = JSON.parse(readFileSync(new URL("../../../release.json", import.meta.url), "utf8")).id;
createServer((req, res) => res.end(req.url === "/health" ? JSON.stringify({ ok: true, release }) : "ok"))
  .listen(Number(process.env.PORT), "127.0.0.1");
`;

const dir = mkdtempSync(join(tmpdir(), "release-gate-bench-"));
const store = new ReleaseStore({ dir: join(dir, "releases"), keep: 2 });
/** A release holding the server, its build "passed". */
function release(crash = false) {
  const { id } = store.create(null);
  mkdirSync(join(store.pathOf(id), "apps/web/dist"), { recursive: true });
  writeFileSync(join(store.pathOf(id), "apps/web/dist/main.js"), SERVER(crash));
  store.update(id, { state: "built" });
  return id;
}

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const socketPath = join(dir, "supervisor.sock");
const first = release();
store.update(first, { state: "good" });
store.switchTo(first);
writeFileSync(
  join(dir, "supervisord.conf"),
  [
    "[unix_http_server]",
    `file=${socketPath}`,
    "[supervisord]",
    "nodaemon=true",
    `logfile=${join(dir, "supervisord.log")}`,
    `pidfile=${join(dir, "supervisord.pid")}`,
    `childlogdir=${dir}`,
    "[rpcinterface:supervisor]",
    "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface",
    "[program:web]",
    `command=${process.execPath} ${join(store.currentPath, "apps/web/dist/main.js")}`,
    `environment=PORT="${port}"`,
    "autorestart=true",
    "startsecs=1",
    "startretries=3",
    "stopasgroup=true",
    "killasgroup=true",
    "redirect_stderr=true",
    "",
  ].join("\n"),
);
const supervisord = spawn("supervisord", ["-c", join(dir, "supervisord.conf")], { stdio: "ignore" });
const client = new SupervisorClient({ socketPath });
for (
  let i = 0;
  !existsSync(socketPath) || (await client.getProcessInfo("web").catch(() => null))?.statename !== "RUNNING";
  i += 1
) {
  if (i > 200) throw new Error("supervisord did not start the program");
  await sleep(50);
}

const promotion = (/** @type {number} */ settleMs) =>
  new Promotion({
    releases: store,
    control: client,
    checks: { web: { healthPath: "/health", smokePaths: ["/"], startTimeoutMs: START_TIMEOUT_MS, settleMs } },
    urls: { web: url },
    selfProgram: "core-back",
    bootEntry: null,
    env: process.env,
  });
const log = join(dir, "bench.log");

/**
 * Promotes a new good release; ms until it is live and gated.
 *
 * @param {number} settleMs
 */
async function promoteOnce(settleMs) {
  const id = release();
  const started = performance.now();
  const outcome = await promotion(settleMs).promote(id, ["web"], log);
  const ms = performance.now() - started;
  if (outcome.status !== "ok") throw new Error(`promotion failed: ${JSON.stringify(outcome)}`);
  store.update(id, { state: "good" });
  store.prune();
  return ms;
}

try {
  const toHealthy = [];
  const withSettle = [];
  const failing = [];
  for (let i = 0; i < rounds; i += 1) toHealthy.push(await promoteOnce(0));
  for (let i = 0; i < Math.min(rounds, 3); i += 1) withSettle.push(await promoteOnce(SETTLE_MS));
  for (let i = 0; i < Math.min(rounds, 3); i += 1) {
    const id = release(true);
    const started = performance.now();
    const outcome = await promotion(SETTLE_MS).promote(id, ["web"], log);
    failing.push(performance.now() - started);
    if (outcome.status !== "rolled_back") throw new Error(`expected a rollback: ${JSON.stringify(outcome)}`);
  }
  const failingMedian = median(failing);
  process.stdout.write(
    `${JSON.stringify(
      {
        rounds,
        restartAndGateMedianMs: Math.round(median(toHealthy)),
        restartAndGateTargetMs: 2000,
        restartAndGateWithSettleMedianMs: Math.round(median(withSettle)),
        settleMs: SETTLE_MS,
        failingStartDetectedAndRolledBackMedianMs: Math.round(failingMedian),
        failingStartBoundMs: START_TIMEOUT_MS + 5000,
        failingStartWithinBound: failingMedian <= START_TIMEOUT_MS + 5000,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  supervisord.kill("SIGTERM");
  await sleep(500);
  rmSync(dir, { recursive: true, force: true });
}
