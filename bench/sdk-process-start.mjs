// Start → ready for the process driver: startContainer() until the runtime's API answers,
// then stopContainer(). Prints the median and p90 over the runs, in milliseconds, and side
// by side the runtime's own boot (spawned bare, until its ready line), so the SDK's share
// shows as the difference.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { FileContainerRegistry, resolveRuntimeEntry } from "../packages/sdk/dist/index.js";
import { timeStarts } from "./sdk-start-harness.mjs";
import { median, percentile } from "./stats.mjs";

/** @import { ContainerConfig, RepoOptions } from "../packages/sdk/dist/index.js" */

const RUNS = Number(process.env.RUNS ?? 15);
const root = mkdtempSync(join(tmpdir(), "bench-process-start-"));
/** @type {ContainerConfig} */
const config = {
  projectRoot: root,
  envVars: { AGENT_COMMAND: "echo" },
  agent: "command",
  driver: "process",
  registry: new FileContainerRegistry(join(root, "registry.jsonl")),
};
/** @type {RepoOptions} */
const repo = { repoUrl: "", cloneBranch: "", pushBranch: "" };

/** @param {number} run */
async function bareRuntimeBoot(run) {
  const started = performance.now();
  const child = spawn(process.execPath, [resolveRuntimeEntry()], {
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      AGENT: "command",
      AGENT_COMMAND: "echo",
      CONTAINER_TOKEN: "bench",
      DATA_DIR: join(root, `bare-${run}`, "data"),
      WORKSPACE_DIR: join(root, `bare-${run}`, "workspace"),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  /** @type {Promise<void>} */
  const ready = new Promise((resolve, reject) => {
    let seen = "";
    child.stdout.on("data", (chunk) => {
      seen += chunk;
      if (seen.includes('"ready":true')) resolve();
    });
    child.on("exit", () => reject(new Error("the runtime exited while starting")));
  });
  await ready;
  const elapsed = performance.now() - started;
  child.kill("SIGKILL");
  return elapsed;
}

/** @type {number[]} */
const bare = [];
try {
  const times = await timeStarts(config, repo, RUNS, async (run) => {
    bare.push(await bareRuntimeBoot(run));
  });
  console.log(
    JSON.stringify({
      bench: "sdk-process-start",
      runs: times.length,
      startToReadyMedianMs: Number(median(times).toFixed(1)),
      startToReadyP90Ms: Number(percentile(times, 90).toFixed(1)),
      runtimeAloneMedianMs: Number(median(bare).toFixed(1)),
      loadAverage1m: Number((loadavg()[0] ?? NaN).toFixed(2)),
      targetMedianMs: 400,
    }),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
