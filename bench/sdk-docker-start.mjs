// Start → ready for the docker driver with the image present (host networking, as this
// machine's engine has no bridge): startContainer() until the runtime answers, then
// stopContainer(). Prints the median and p90 over the runs, in milliseconds.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { FileContainerRegistry, createClient, startContainer, stopContainer } from "../packages/sdk/dist/index.js";

const RUNS = Number(process.env.RUNS ?? 10);
const root = mkdtempSync(join(tmpdir(), "bench-docker-start-"));
const config = {
  projectRoot: root,
  envVars: { AGENT_COMMAND: "echo" },
  agent: "command",
  driver: "docker",
  docker: { network: "host", build: "never" },
  registry: new FileContainerRegistry(join(root, "registry.jsonl")),
};
const repo = { repoUrl: "", cloneBranch: "", pushBranch: "" };

const times = [];
try {
  for (let run = 0; run < RUNS + 1; run += 1) {
    const started = performance.now();
    const state = await startContainer(config, repo);
    const elapsed = performance.now() - started;
    const status = await createClient(state).status();
    if (status.containerName !== state.containerName) throw new Error("the started runtime answered as another");
    if (run > 0) times.push(elapsed); // the first run warms the file cache
    await stopContainer(config, state, { timeoutMs: 30_000 });
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      bench: "sdk-docker-start",
      runs: times.length,
      startToReadyMedianMs: Number(sorted[Math.floor(sorted.length / 2)].toFixed(1)),
      startToReadyP90Ms: Number(sorted[Math.floor(sorted.length * 0.9)].toFixed(1)),
      imageRef: process.env.CONTAINER_IMAGE_REF ?? "app-building/container-runtime:latest",
      targetMedianMs: 1500,
    }),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
