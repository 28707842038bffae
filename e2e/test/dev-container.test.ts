import { randomBytes } from "node:crypto";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { containerLogs, containerState, docker, requireDockerEngine } from "../src/docker.js";
import { run } from "../src/exec.js";
import { freePort, waitForHttp } from "../src/net.js";
import { repoRoot } from "../src/paths.js";
import { copyWorkspace, type WorkspaceCopy } from "../src/workspace-copy.js";

const IMAGE = "app-building/dev:latest";
const container = `app-building-e2e-dev-${randomBytes(4).toString("hex")}`;
/** The first start runs pnpm install (nothing new to fetch) and builds the platform scope with turbo. */
const START_TIMEOUT_MS = 8 * 60_000;
/** The repository's own pnpm (installed under .tools/ by `npm run setup`) first. */
const withTools = { ...process.env, PATH: `${join(repoRoot, ".tools", "bin")}${delimiter}${process.env.PATH ?? ""}` };

/** Prints what the container said, so a failure shows why. */
async function printLogs(why: string): Promise<void> {
  console.error(
    `\n--- docker logs ${container} (${why}) ---\n${await containerLogs(container, 300)}\n--- end of logs ---`,
  );
}

describe("the dev container", () => {
  let workspace: WorkspaceCopy | undefined;
  let coreBackPort: number;
  let consolePort: number;

  beforeAll(async () => {
    await requireDockerEngine();
    const built = Date.now();
    await run("bash", [join(repoRoot, "docker", "build-dev-image.sh")], { cwd: repoRoot });
    console.log(`[dev-container] image ready in ${((Date.now() - built) / 1000).toFixed(1)} s`);

    const copied = Date.now();
    workspace = await copyWorkspace();
    console.log(`[dev-container] checkout copied and installed in ${((Date.now() - copied) / 1000).toFixed(1)} s`);

    // pnpm in the container must see the store the copy's node_modules were linked from,
    // at the same path, or it refuses to use them: share the host's.
    const pnpmStore = dirname((await run("pnpm", ["store", "path"], { cwd: workspace.dir, env: withTools })).trim());

    coreBackPort = await freePort();
    do consolePort = await freePort();
    while (consolePort === coreBackPort);

    const started = Date.now();
    await docker([
      "run",
      "--detach",
      "--name",
      container,
      "--network",
      "host",
      "--volume",
      `${workspace.dir}:/workspace`,
      "--volume",
      `${pnpmStore}:${pnpmStore}`,
      "--env",
      `npm_config_store_dir=${pnpmStore}`,
      "--env",
      `CORE_BACK_PORT=${coreBackPort}`,
      "--env",
      `CONSOLE_PORT=${consolePort}`,
      "--env",
      "APP_BUILDING_AGENT=none",
      IMAGE,
    ]);
    try {
      await waitForHttp(`http://127.0.0.1:${coreBackPort}/health`, {
        timeoutMs: START_TIMEOUT_MS,
        giveUp: async () => {
          const state = await containerState(container);
          if (state === null) return "the container is gone";
          return state.running ? null : `the container exited with code ${state.exitCode}`;
        },
      });
    } catch (error) {
      await printLogs("core-back never became healthy");
      throw error;
    }
    console.log(`[dev-container] core-back healthy ${((Date.now() - started) / 1000).toFixed(1)} s after docker run`);
  });

  afterAll(async () => {
    if ((await containerState(container)) !== null) {
      await docker(["rm", "--force", container]).catch((error: unknown) => console.error(error));
    }
    await workspace?.cleanup();
  });

  it("serves core-back's health check on the port it was given", async () => {
    onTestFailed(() => printLogs("a test failed"));
    const response = await fetch(`http://127.0.0.1:${coreBackPort}/health`);
    expect(response.status).toBe(200);
  });

  it("runs the console on its own port", async () => {
    onTestFailed(() => printLogs("a test failed"));
    const response = await fetch(`http://127.0.0.1:${consolePort}/`, { redirect: "manual" });
    expect(response.status).toBeLessThan(500);
  });

  it("deploys the platform scope when core-back is asked from inside the container", async () => {
    onTestFailed(() => printLogs("a test failed"));
    const started = Date.now();
    const answer = await docker([
      "exec",
      container,
      "curl",
      "-sS",
      "--max-time",
      "540",
      "-X",
      "POST",
      `http://127.0.0.1:${coreBackPort}/api/v1/self/deploy`,
      "-H",
      "Content-Type: application/json",
      "-d",
      '{"scope":"platform"}',
    ]);
    console.log(`[dev-container] self-deploy answered in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    let body: { ok?: unknown; status?: unknown; scope?: unknown; errorSummary?: unknown; logTail?: unknown };
    try {
      body = JSON.parse(answer) as typeof body;
    } catch {
      throw new Error(`the deploy did not answer JSON: ${answer.slice(0, 2000)}`);
    }
    expect(body, `deploy failed: ${String(body.errorSummary)}\n${String(body.logTail)}`).toMatchObject({
      ok: true,
      status: "ok",
      scope: "platform",
    });
    // The restarted services still answer.
    await waitForHttp(`http://127.0.0.1:${coreBackPort}/health`, { timeoutMs: 60_000 });
  });

  it("stops everything it started on docker stop, without being killed", async () => {
    onTestFailed(() => printLogs("a test failed"));
    await docker(["stop", "--time", "60", container], 120_000);
    const state = await containerState(container);
    expect(state?.running).toBe(false);
    // 137 would mean docker gave up waiting and sent SIGKILL.
    expect(state?.exitCode, "the start command did not exit cleanly on SIGTERM").toBe(0);
  });

  it("starts again on the same checkout, reusing its build, data and first admin", async () => {
    onTestFailed(() => printLogs("a test failed"));
    const started = Date.now();
    await docker(["start", container]);
    await waitForHttp(`http://127.0.0.1:${coreBackPort}/health`, {
      timeoutMs: 120_000,
      giveUp: async () => ((await containerState(container))?.running === false ? "the container exited" : null),
    });
    console.log(`[dev-container] healthy again ${((Date.now() - started) / 1000).toFixed(1)} s after docker start`);
    const logs = await containerLogs(container, 400);
    expect(logs).toContain("(its password was printed when it was created)");
  });
});
