import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { git, subjects } from "@app-building/testkit";
import { isAlive } from "@app-building/types/process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createProject, ECHO_AGENT, type Project } from "./helpers/project.js";

describe("the process driver", () => {
  let project: Project;
  beforeEach(async () => {
    project = await createProject(ECHO_AGENT);
  });
  afterEach(async () => {
    await project.cleanup();
  });

  it("starts a runtime that answers as itself, with a fresh token, and records it", async () => {
    const first = await project.start();
    const second = await project.start();
    expect(first.token).not.toBe(second.token);
    expect(first.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const status = await project.sdk.createClient(first).status();
    expect(status.containerName).toBe(first.containerName);
    expect(status.state).toBe("idle");
    expect(first.dataDir!.startsWith(project.root)).toBe(true);
    expect(existsSync(first.workspaceDir!)).toBe(true);
    const recorded = await project.config.registry.find(first.containerName);
    expect(recorded).toMatchObject({ containerName: first.containerName, driver: "process", stoppedAt: null });
  });

  it("refuses requests that carry another container's token", async () => {
    const first = await project.start();
    const second = await project.start();
    const wrong = project.sdk.createClient({ ...first, token: second.token });
    await expect(wrong.status()).rejects.toBeInstanceOf(project.sdk.AuthenticationError);
  });

  it("fails fast with the runtime's own words when it dies while starting", async () => {
    // A ready wait far past the test's timeout: only noticing the exit can end the start in time,
    // and a wait that ran out would be a TimeoutError without the runtime's output.
    const failure = project.start({ agent: "command", envVars: { AGENT_COMMAND: "" }, readyTimeoutMs: 3_600_000 });
    await expect(failure).rejects.toBeInstanceOf(project.sdk.ContainerStartError);
    await expect(failure).rejects.toThrow(/AGENT_COMMAND/);
    expect(await project.config.registry.getRecent()).toEqual([]);
  });

  it("removes the container folder it made when the start fails", async () => {
    const failure = project.start({ agent: "command", envVars: { AGENT_COMMAND: "" } });
    await expect(failure).rejects.toThrow(/AGENT_COMMAND/);
    const containers = join(project.root, "state", "containers");
    expect(existsSync(containers) ? await readdir(containers) : []).toEqual([]);
  });

  it("gives the runtime only what the config says, never the caller's REPO_URL, DETACHED or other settings", async () => {
    const caller = {
      REPO_URL: join(project.root, "no-such-remote.git"),
      PUSH_BRANCH: "caller/branch",
      DETACHED: "1",
      INITIAL_PROMPT: "from the caller",
      CALLER_ONLY_SECRET: "s3cret-of-the-caller",
    };
    const saved = Object.fromEntries(Object.keys(caller).map((name) => [name, process.env[name]]));
    Object.assign(process.env, caller);
    let state;
    try {
      state = await project.start();
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    const status = await project.sdk.createClient(state).status();
    expect(status).toMatchObject({ state: "idle", detachRequested: false, queueLength: 0 });
    expect(status.pushBranch).not.toBe("caller/branch");
    const environ = (await readFile(`/proc/${state.pid}/environ`, "utf8")).split("\0");
    const names = environ.map((pair) => pair.slice(0, pair.indexOf("=")));
    for (const name of Object.keys(caller)) expect(names).not.toContain(name);
    expect(names).toContain("PATH");
    expect(names).toContain("AGENT_COMMAND");
  });

  it("stops a container: the process exits and the registry marks it stopped", async () => {
    const state = await project.start();
    const result = await project.sdk.stopContainer(project.config, state.containerName, { timeoutMs: 30_000 });
    expect(result.containerName).toBe(state.containerName);
    expect(isAlive(state.pid!)).toBe(false);
    expect((await project.config.registry.find(state.containerName))?.stoppedAt).not.toBeNull();
    await expect(project.sdk.createClient(state).status()).rejects.toBeInstanceOf(project.sdk.ContainerGoneError);
  });

  it("works in an existing checkout: keeps its branch and files, commits there, and leaves it in place on stop", async () => {
    const checkout = join(project.root, "checkout");
    git(project.root, "init", "-q", "-b", "main", checkout);
    await writeFile(join(checkout, "app.ts"), "export const version = 1;\n");
    git(checkout, "add", "-A");
    git(checkout, "commit", "-q", "-m", "first");
    await writeFile(join(checkout, "wip.md"), "work in progress\n");

    // A relative path, as a user would type it; no repository and no push branch.
    const state = await project.start({
      agent: "command",
      envVars: { AGENT_COMMAND: 'echo "$1" > agent.txt' },
      workspaceDir: relative(process.cwd(), checkout),
    });
    expect(state.workspaceDir).toBe(checkout);
    expect(state.pushBranch).toBe("main");
    expect(await project.config.registry.find(state.containerName)).toMatchObject({ workspaceDir: checkout });
    expect(git(checkout, "symbolic-ref", "--short", "HEAD")).toBe("main");
    expect(await readFile(join(checkout, "wip.md"), "utf8")).toBe("work in progress\n");

    const client = project.sdk.createClient(state);
    const { id } = await client.sendMessage("say hello");
    expect(await client.waitForMessage(id, { timeoutMs: 30_000 })).toMatchObject({ status: "done" });
    await project.sdk.stopContainer(project.config, state, { timeoutMs: 30_000 });
    expect(git(checkout, "branch", "--format=%(refname:short)")).toBe("main");
    expect(subjects(checkout, "main")[0]).toBe(`message ${id}: say hello`);
    expect(git(checkout, "show", "--name-only", "--format=", "HEAD").split("\n").sort()).toEqual([
      "agent.txt",
      "wip.md",
    ]);
    expect(existsSync(join(checkout, "app.ts"))).toBe(true);
  });

  it("refuses a workspaceDir that does not exist, naming it, and records nothing", async () => {
    const missing = join(project.root, "no-such-dir");
    const failure = project.start({ workspaceDir: missing });
    await expect(failure).rejects.toBeInstanceOf(project.sdk.ConfigurationError);
    await expect(failure).rejects.toThrow(`workspaceDir ${missing} does not exist`);
    expect(await project.config.registry.getRecent()).toEqual([]);
  });

  it("says which container is unknown when asked to stop one that was never started", async () => {
    await expect(project.sdk.stopContainer(project.config, "app-building-nope")).rejects.toThrow(
      /No container named "app-building-nope"/,
    );
  });

  it("finds live containers by probing them, and not a different container behind the same address", async () => {
    const a = await project.start();
    const b = await project.start();
    await project.config.registry.log({ ...b, containerName: "impostor", baseUrl: a.baseUrl, token: a.token });
    const alive = (await project.config.registry.findAlive()).map((e) => e.containerName).sort();
    expect(alive).toEqual([a.containerName, b.containerName].sort());
    expect((await project.config.registry.find("impostor"))?.stoppedAt).not.toBeNull();
  });
});
