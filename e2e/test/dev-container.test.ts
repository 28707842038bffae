import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { containerLogs, containerState, docker, requireDockerEngine } from "../src/docker.js";
import { capture, run } from "../src/exec.js";
import { freePort, waitForHttp } from "@app-building/testkit";
import { repoRoot } from "../src/paths.js";
import { copyWorkspace, type WorkspaceCopy } from "../src/workspace-copy.js";

const IMAGE = "app-building/dev:latest";
const container = `app-building-e2e-dev-${randomBytes(4).toString("hex")}`;
/** The first start runs pnpm install (nothing new to fetch) and builds the platform scope with turbo. */
const START_TIMEOUT_MS = 8 * 60_000;
/** The repository's own pnpm (installed under .tools/ by `npm run setup`) first. */
const withTools = { ...process.env, PATH: `${join(repoRoot, ".tools", "bin")}${delimiter}${process.env.PATH ?? ""}` };
/** supervisord's configuration in the mounted checkout (the default data dir, /workspace/.data). */
const SUPERVISOR_CONF = "/workspace/.data/supervisor/supervisord.conf";
/** Docker's own grace between `docker stop`'s SIGTERM and its SIGKILL, when no --time is given. */
const DOCKER_DEFAULT_GRACE_MS = 10_000;

/** The console's title, read from where the console defines it (apps/console/src/views/brand.ts). */
async function consoleBrand(): Promise<string> {
  const file = join(repoRoot, "apps", "console", "src", "views", "brand.ts");
  const brand = /export const BRAND = "([^"]+)"/.exec(await readFile(file, "utf8"))?.[1];
  if (brand === undefined) throw new Error(`${file} no longer exports BRAND as a string literal: update this test`);
  return brand;
}

/** The pid supervisord gives for one of its programs; throws when the program does not run. */
async function programPid(program: "core-back" | "console"): Promise<number> {
  const { stdout } = await capture("docker", [
    "exec",
    container,
    "supervisorctl",
    "-c",
    SUPERVISOR_CONF,
    "status",
    program,
  ]);
  const pid = /\bRUNNING\s+pid (\d+)/.exec(stdout)?.[1];
  if (pid === undefined) throw new Error(`supervisord does not say ${program} runs: ${stdout.trim()}`);
  return Number(pid);
}

/** Waits until the container's output holds `text`; throws, saying why, when it exits first or on timeout. */
async function waitForLogs(text: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const logs = await containerLogs(container, 400);
    if (logs.includes(text)) return logs;
    const state = await containerState(container);
    if (state?.running !== true)
      throw new Error(`the container exited (${String(state?.exitCode)}) before saying "${text}"`);
    if (Date.now() > deadline) throw new Error(`the container did not say "${text}" within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

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
  /** `docker run` up to the image: the name, host networking, the mounts and the ports. */
  let runArgs: string[];

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

    runArgs = [
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
    ];

    const started = Date.now();
    // No agent for the build, deploy and restart checks: the last test starts the default one.
    await docker([...runArgs, "--env", "APP_BUILDING_AGENT=none", IMAGE]);
    try {
      await waitForHttp(`http://127.0.0.1:${coreBackPort}/health`, {
        timeoutMs: START_TIMEOUT_MS,
        // Each check is a docker inspect: once a second is enough.
        intervalMs: 1_000,
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

  it("runs the console on its own port, sending a visitor without a session to its sign-in page", async () => {
    onTestFailed(() => printLogs("a test failed"));
    const home = await fetch(`http://127.0.0.1:${consolePort}/`, { redirect: "manual" });
    expect([302, 303]).toContain(home.status);
    const location = new URL(home.headers.get("location") ?? "", home.url);
    expect(location.pathname).toBe("/sign-in");

    const signIn = await fetch(location);
    expect(signIn.status).toBe(200);
    const title = /<title>([^<]*)<\/title>/.exec(await signIn.text())?.[1];
    expect(title).toContain(await consoleBrand());
  });

  it("deploys the platform scope when core-back is asked from inside the container", async () => {
    onTestFailed(() => printLogs("a test failed"));
    const before = { coreBack: await programPid("core-back"), console: await programPid("console") };
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
      `Authorization: Bearer ${(await docker(["exec", container, "cat", "/workspace/.data/core-back/self-deploy.token"])).trim()}`,
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
    // The platform scope restarts the console only (build-scopes.json: "restart": ["console"]):
    // the console runs as a new process and answers; core-back, which ran the deploy, is the
    // same process and still answers.
    await waitForHttp(`http://127.0.0.1:${consolePort}/health`, { timeoutMs: 60_000 });
    await waitForHttp(`http://127.0.0.1:${coreBackPort}/health`, { timeoutMs: 60_000 });
    expect(await programPid("console"), "the console was not restarted").not.toBe(before.console);
    expect(await programPid("core-back"), "core-back was restarted").toBe(before.coreBack);
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
      intervalMs: 1_000,
      giveUp: async () => ((await containerState(container))?.running === false ? "the container exited" : null),
    });
    console.log(`[dev-container] healthy again ${((Date.now() - started) / 1000).toFixed(1)} s after docker start`);
    // core-back answers before the start command has checked the console and the admin: wait
    // for its summary, which names the admin made by the first start.
    await waitForLogs("(its password was printed when it was created)", 60_000);
  });

  it("starts the default agent, says what it is missing, and stops within docker stop's default grace", async () => {
    onTestFailed(() => printLogs("a test failed"));
    await docker(["stop", "--time", "60", container], 120_000);
    await docker(["rm", container]);

    // The same checkout (its build is reused), the default agent, and no model key.
    const started = Date.now();
    await docker([...runArgs, IMAGE]);
    const logs = await waitForLogs("the platform is running", 180_000);
    console.log(
      `[dev-container] running with its agent ${((Date.now() - started) / 1000).toFixed(1)} s after docker run`,
    );
    expect(logs).toMatch(/^\s*agent\s+\S+ \(started; workspace: this checkout\)/m);
    expect(logs).toMatch(/^\s*missing:\s+.*ANTHROPIC_API_KEY/m);

    const stopping = Date.now();
    await docker(["stop", container], 60_000);
    const stopMs = Date.now() - stopping;
    console.log(`[dev-container] docker stop with its agent took ${(stopMs / 1000).toFixed(1)} s`);
    const state = await containerState(container);
    expect(state?.running).toBe(false);
    // 137 would mean Docker's default grace ran out and it sent SIGKILL.
    expect(state?.exitCode, "the start command did not exit within docker stop's default grace").toBe(0);
    expect(stopMs).toBeLessThan(DOCKER_DEFAULT_GRACE_MS);
    expect(await containerLogs(container, 50)).not.toContain("stopping the agent failed");
  });
});
