import { execFile } from "node:child_process";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { seedBareRepo } from "@app-building/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliEntry, sdkRoot } from "./helpers/paths.js";
import { createProject, ECHO_AGENT, type Project } from "./helpers/project.js";

const exec = promisify(execFile);
const CLI = cliEntry();
const PTY = join(sdkRoot, "test", "helpers", "pty-expect.py");
/** How long each checkout of the slow clone takes (the clone checks out, then the runtime switches to the push branch). */
const CHECKOUT_SECONDS = 2;

describe("the readiness budget of a starting container", () => {
  let project: Project;
  let repoUrl: string;
  /** Real git configuration, given to the runtime: a post-checkout hook makes every clone take a few seconds. */
  let slowClone: Record<string, string>;
  beforeEach(async () => {
    project = await createProject(ECHO_AGENT);
    repoUrl = seedBareRepo(project.root);
    const hooks = join(project.root, "slow-hooks");
    await mkdir(hooks);
    await writeFile(join(hooks, "post-checkout"), `#!/bin/sh\nsleep ${CHECKOUT_SECONDS}\n`);
    await chmod(join(hooks, "post-checkout"), 0o755);
    slowClone = { GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "core.hooksPath", GIT_CONFIG_VALUE_0: hooks };
  });
  afterEach(async () => {
    for (const entry of await project.config.registry.getRecent(10))
      if (entry.pid !== undefined) project.started.push(entry);
    await project.cleanup();
  });

  const repo = () => ({ repoUrl, cloneBranch: "main", pushBranch: "agent/work" });

  it("fails a start that outlasts config.readyTimeoutMs with the driver's timeout error", async () => {
    const failure = project.start({ envVars: slowClone, readyTimeoutMs: 500 }, repo());
    await expect(failure).rejects.toBeInstanceOf(project.sdk.ContainerStartError);
    await expect(failure).rejects.toThrow(/not ready after 500 ms/);
    expect(await project.config.registry.getRecent()).toEqual([]);
  });

  it("lets the same slow start succeed within the default budget, and StartOptions.readyTimeoutMs win over the config", async () => {
    const steps: { step: string; timeoutMs?: number }[] = [];
    const started = await project.sdk.startContainer(
      { ...project.config, envVars: { ...project.config.envVars, ...slowClone } },
      repo(),
      { onProgress: (step, wait) => steps.push({ step, timeoutMs: wait?.timeoutMs }) },
    );
    project.started.push(started);
    expect((await project.sdk.createClient(started).status()).state).toBe("idle");
    expect(steps).toContainEqual({ step: "waiting for the runtime", timeoutMs: project.sdk.DEFAULT_READY_TIMEOUT_MS });
    expect(project.sdk.DEFAULT_READY_TIMEOUT_MS).toBe(120_000);

    const overridden = await project.sdk.startContainer(
      { ...project.config, envVars: { ...project.config.envVars, ...slowClone }, readyTimeoutMs: 500 },
      repo(),
      { readyTimeoutMs: 60_000 },
    );
    project.started.push(overridden);
    expect((await project.sdk.createClient(overridden).status()).state).toBe("idle");
  });

  async function cli(...args: string[]) {
    return exec(process.execPath, [CLI, ...args], {
      cwd: project.root,
      env: {
        ...process.env,
        APP_BUILDING_REGISTRY: join(project.root, ".container-registry.jsonl"),
        APP_BUILDING_STATE_DIR: join(project.root, "state"),
      },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  }

  it("takes `run --ready-timeout SECONDS`, and refuses a value that is not a number of seconds", async () => {
    const env = Object.entries({ ...slowClone, AGENT_COMMAND: "echo" }).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
    const base = ["run", "-p", "hi", "--agent", "command", "--driver", "process", "--repo", repoUrl, ...env];
    const late = await cli(...base, "--ready-timeout", "1");
    expect(late.code, late.stderr).toBe(8);
    expect(late.stderr).toContain("not ready after 1000 ms");
    const bad = await cli(...base, "--ready-timeout", "soon");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--ready-timeout soon is not a number of seconds above 0");
  });

  it("shows on a terminal that it is still waiting, and for how long of its budget", async () => {
    const spec = {
      argv: [process.execPath, CLI, "run", "-p", "hi", "--agent", "command", "--driver", "process"].concat(
        ["--repo", repoUrl, "--ready-timeout", "30"],
        Object.entries(slowClone).flatMap(([k, v]) => ["--env", `${k}=${v}`]),
      ),
      cwd: project.root,
      env: {
        APP_BUILDING_REGISTRY: join(project.root, ".container-registry.jsonl"),
        APP_BUILDING_STATE_DIR: join(project.root, "state"),
        AGENT_COMMAND: "echo",
        NO_COLOR: "1",
      },
      steps: [
        { expect: "waiting for the runtime \\(0 s of 30 s\\)", timeout: 30 },
        { expect: "waiting for the runtime \\(1 s of 30 s\\)", timeout: 30 },
        { expect: "started app-building-", timeout: 30 },
      ],
      exitTimeout: 30,
    };
    const { stdout } = await exec("python3", [PTY, JSON.stringify(spec)]).catch((error: { stdout: string }) => ({
      stdout: error.stdout,
    }));
    const outcome = JSON.parse(stdout) as { ok: boolean; exitCode: number | null; transcript: string };
    expect(outcome, outcome.transcript).toMatchObject({ ok: true, exitCode: 0 });
  });
});
