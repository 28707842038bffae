// Shared by the SDK start benchmarks: times startContainer() until the runtime answers as
// itself, then stops the container, `runs` times after one warm-up run.
import { performance } from "node:perf_hooks";
import { createClient, startContainer, stopContainer } from "../packages/sdk/dist/index.js";

/** @import { ContainerConfig, RepoOptions } from "../packages/sdk/dist/index.js" */

/**
 * Start → ready times in ms; `afterRun(run)` runs after each counted run's stop.
 *
 * @param {ContainerConfig} config
 * @param {RepoOptions} repo
 * @param {number} runs
 * @param {(run: number) => Promise<void>} [afterRun]
 */
export async function timeStarts(config, repo, runs, afterRun = () => Promise.resolve()) {
  const times = [];
  for (let run = 0; run < runs + 1; run += 1) {
    const started = performance.now();
    const state = await startContainer(config, repo);
    const elapsed = performance.now() - started;
    const status = await createClient(state).status();
    if (status.containerName !== state.containerName) throw new Error("the started runtime answered as another");
    await stopContainer(config, state, { timeoutMs: 30_000 });
    // The first run warms the file cache.
    if (run > 0) {
      times.push(elapsed);
      await afterRun(run);
    }
  }
  return times;
}
