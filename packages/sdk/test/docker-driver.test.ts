import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cliEntry, repoRoot } from "./helpers/paths.js";
import { createProject, ECHO_AGENT, type Project } from "./helpers/project.js";

const exec = promisify(execFile);
const IMAGE = "app-building/container-runtime:latest";

async function inspect(name: string, format: string): Promise<string> {
  return (await exec("docker", ["inspect", "--format", format, name])).stdout.trim();
}

describe("the docker driver under a real Docker Engine", () => {
  let project: Project;
  beforeAll(async () => {
    // Makes the image when it is missing or out of date (a no-op when it is current).
    await exec("bash", [join(repoRoot, "docker", "build-runtime-image.sh"), IMAGE], { timeout: 900_000 });
  }, 900_000);
  beforeEach(async () => {
    project = await createProject({
      ...ECHO_AGENT,
      driver: "docker",
      // This engine runs without a bridge network: the container shares the host's loopback.
      docker: { network: "host", build: "missing", buildScript: join(repoRoot, "no-such-build-script.sh") },
    });
  });
  afterEach(async () => {
    for (const state of project.started) await exec("docker", ["rm", "-f", state.containerName]).catch(() => undefined);
    await project.cleanup();
  });

  it("starts the present image without building it, labelled and on the host network", async () => {
    const state = await project.start();
    expect(state).toMatchObject({ driver: "docker", type: "local" });
    expect((await project.sdk.createClient(state).status()).containerName).toBe(state.containerName);
    expect(await inspect(state.containerName, '{{index .Config.Labels "app-building.container"}}')).toBe(
      state.containerName,
    );
    expect(await inspect(state.containerName, "{{.HostConfig.NetworkMode}}")).toBe("host");
    // The token travels in the environment, never on the command line docker recorded.
    expect(await inspect(state.containerName, "{{json .Args}}")).not.toContain(state.token);
    await project.sdk.stopContainer(project.config, state, { timeoutMs: 30_000 });
    await expect(inspect(state.containerName, "{{.Id}}")).rejects.toThrow(/No such/);
    // Removed, and still readable from the journal copied out of it.
    const entry = (await project.config.registry.find(state.containerName))!;
    expect(await project.sdk.readStoppedContainer(entry, { stateDir: project.config.stateDir })).toMatchObject({
      state: "stopped",
      source: "journal",
      stoppedCleanly: true,
    });
  });

  it("stays readable after it exited: its journal is copied out of the container before it is removed", async () => {
    const state = await project.start({ detached: true, initialPrompt: "once" });
    // Detached: it runs the prompt, then exits on its own; the exited container still holds its journal.
    await exec("docker", ["wait", state.containerName]);
    const entry = (await project.config.registry.find(state.containerName))!;
    expect(await project.sdk.isContainerGone(entry)).toBe(true);
    const stopped = await project.sdk.readStoppedContainer(entry, { stateDir: project.config.stateDir });
    expect(stopped).toMatchObject({ state: "stopped", source: "journal", stoppedCleanly: true });
    expect(stopped.lastMessage).toMatchObject({ status: "done", result: "reply: once" });
    // Removed now, its copied journal still answers.
    await exec("docker", ["rm", "-f", state.containerName]);
    const journal = (await project.sdk.openStoppedJournal(entry, { stateDir: project.config.stateDir }))!;
    try {
      expect([...journal.events()].at(-1)).toMatchObject({ kind: "container.state", data: { state: "stopped" } });
    } finally {
      journal.close();
    }
  });

  it("fails with the runtime's own words when it dies while starting, and leaves no container behind", async () => {
    const failure = project.start({ envVars: { AGENT_COMMAND: "" } });
    await expect(failure).rejects.toBeInstanceOf(project.sdk.ContainerStartError);
    await expect(failure).rejects.toThrow(/AGENT_COMMAND/);
    const { stdout } = await exec("docker", ["ps", "-aq", "--filter", "label=app-building.container"]);
    const names = await Promise.all(
      stdout
        .split("\n")
        .filter(Boolean)
        .map((id) => inspect(id, "{{.Name}}")),
    );
    expect(names.filter((name) => project.started.every((s) => `/${s.containerName}` !== name))).toEqual([]);
  });

  it("mounts an existing checkout at the container's workspace and commits there on its branch", async () => {
    const checkout = join(project.root, "checkout");
    await exec("git", ["init", "-q", "-b", "main", checkout]);
    await writeFile(join(checkout, "wip.md"), "work in progress\n");
    // The runtime in the image runs as uid 1000: give it the checkout, as its owner would have it.
    await exec("chown", ["-R", "1000:1000", checkout]);
    const state = await project.start({ envVars: { AGENT_COMMAND: 'echo "$1" > agent.txt' }, workspaceDir: checkout });
    expect(state).toMatchObject({ workspaceDir: checkout, pushBranch: "main" });
    expect(await inspect(state.containerName, "{{range .Mounts}}{{.Source}}:{{.Destination}}{{end}}")).toBe(
      `${checkout}:/workspace`,
    );
    const client = project.sdk.createClient(state);
    const { id } = await client.sendMessage("say hello");
    expect(await client.waitForMessage(id, { timeoutMs: 60_000 })).toMatchObject({ status: "done" });
    await project.sdk.stopContainer(project.config, state, { timeoutMs: 30_000 });
    expect(await readFile(join(checkout, "agent.txt"), "utf8")).toBe("say hello\n");
    const log = (await exec("git", ["-c", "safe.directory=*", "-C", checkout, "log", "--format=%s", "main"])).stdout;
    expect(log.trim()).toBe(`message ${id}: say hello`);
  });

  it("says what to do when the image is missing and building is off", async () => {
    await expect(
      project.start({ imageRef: "app-building/not-built:never", docker: { network: "host", build: "never" } }),
    ).rejects.toThrow(/not in the local Docker Engine and building is off/);
  });

  it("tells the CLI user to start Docker when no engine answers, with exit code 6", async () => {
    const result = await exec(
      process.execPath,
      [cliEntry(), "run", "-p", "hi", "--driver", "docker", "--agent", "command"],
      { cwd: project.root, env: { PATH: "/nonexistent", HOME: project.root, AGENT_COMMAND: "echo" } },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(result).toMatchObject({ code: 6 });
    expect((result as { stderr: string }).stderr).toMatch(/No Docker Engine answers: start Docker/);
  });
});
