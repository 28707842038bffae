// Start → ready for the process driver: startContainer() until the runtime's API answers,
// then stopContainer(). Prints the median and p90 over the runs, in milliseconds, and side
// by side the runtime's own boot (spawned bare, until its ready line), so the SDK's share
// shows as the difference.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import {
  FileContainerRegistry,
  createClient,
  resolveRuntimeEntry,
  startContainer,
  stopContainer,
} from "../packages/sdk/dist/index.js";

const RUNS = Number(process.env.RUNS ?? 15);
const root = mkdtempSync(join(tmpdir(), "bench-process-start-"));
const config = {
  projectRoot: root,
  envVars: { AGENT_COMMAND: "echo" },
  agent: "command",
  driver: "process",
  registry: new FileContainerRegistry(join(root, "registry.jsonl")),
};
const repo = { repoUrl: "", cloneBranch: "", pushBranch: "" };

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
  await new Promise((resolve, reject) => {
    let seen = "";
    child.stdout.on("data", (chunk) => {
      seen += chunk;
      if (seen.includes('"ready":true')) resolve();
    });
    child.on("exit", () => reject(new Error("the runtime exited while starting")));
  });
  const elapsed = performance.now() - started;
  child.kill("SIGKILL");
  return elapsed;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const times = [];
const bare = [];
try {
  for (let run = 0; run < RUNS + 1; run += 1) {
    const started = performance.now();
    const state = await startContainer(config, repo);
    const elapsed = performance.now() - started;
    const status = await createClient(state).status();
    if (status.containerName !== state.containerName) throw new Error("the started runtime answered as another");
    if (run > 0) times.push(elapsed); // the first run warms the file cache
    await stopContainer(config, state, { timeoutMs: 30_000 });
    if (run > 0) bare.push(await bareRuntimeBoot(run));
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      bench: "sdk-process-start",
      runs: times.length,
      startToReadyMedianMs: Number(sorted[Math.floor(sorted.length / 2)].toFixed(1)),
      startToReadyP90Ms: Number(sorted[Math.floor(sorted.length * 0.9)].toFixed(1)),
      runtimeAloneMedianMs: Number(median(bare).toFixed(1)),
      loadAverage1m: Number((await import("node:os")).loadavg()[0].toFixed(2)),
      targetMedianMs: 400,
    }),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
