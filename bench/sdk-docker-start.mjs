// Start → ready for the docker driver with the image present (host networking, as this
// machine's engine has no bridge): startContainer() until the runtime answers, then
// stopContainer(). Prints the median and p90 over the runs, in milliseconds.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileContainerRegistry } from "../packages/sdk/dist/index.js";
import { timeStarts } from "./sdk-start-harness.mjs";
import { median, percentile } from "./stats.mjs";

/** @import { ContainerConfig, RepoOptions } from "../packages/sdk/dist/index.js" */

const RUNS = Number(process.env.RUNS ?? 10);
const root = mkdtempSync(join(tmpdir(), "bench-docker-start-"));
/** @type {ContainerConfig} */
const config = {
  projectRoot: root,
  envVars: { AGENT_COMMAND: "echo" },
  agent: "command",
  driver: "docker",
  docker: { network: "host", build: "never" },
  registry: new FileContainerRegistry(join(root, "registry.jsonl")),
};
/** @type {RepoOptions} */
const repo = { repoUrl: "", cloneBranch: "", pushBranch: "" };

try {
  const times = await timeStarts(config, repo, RUNS);
  console.log(
    JSON.stringify({
      bench: "sdk-docker-start",
      runs: times.length,
      startToReadyMedianMs: Number(median(times).toFixed(1)),
      startToReadyP90Ms: Number(percentile(times, 90).toFixed(1)),
      imageRef: process.env.CONTAINER_IMAGE_REF ?? "app-building/container-runtime:latest",
      targetMedianMs: 1500,
    }),
  );
} finally {
  rmSync(root, { recursive: true, force: true });
}
