import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cliEntry } from "./helpers/paths.js";
import { createProject, type Project } from "./helpers/project.js";

const exec = promisify(execFile);
const CLI = cliEntry();

describe("app-building send", () => {
  let project: Project;
  beforeEach(async () => {
    project = await createProject();
  });
  afterEach(async () => {
    await project.cleanup();
  });

  async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    try {
      const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], {
        cwd: project.root,
        env: {
          ...process.env,
          APP_BUILDING_REGISTRY: join(project.root, ".container-registry.jsonl"),
          APP_BUILDING_STATE_DIR: join(project.root, "state"),
          NO_COLOR: "1",
        },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it("queues a prompt on a running container and, with --wait, prints the agent's answer", async () => {
    const state = await project.start({ agent: "command", envVars: { AGENT_COMMAND: "echo" } });
    const queued = await cli("send", state.containerName, "first", "prompt");
    expect(queued.code, queued.stderr).toBe(0);
    expect(queued.stdout).toMatch(/^queued message \S+ on app-building-\w+/);
    const answered = await cli("send", state.containerName, "--wait", "--json", "second prompt");
    expect(answered.code, answered.stderr).toBe(0);
    const message = JSON.parse(answered.stdout) as { status: string; prompt: string; result: string };
    expect(message).toMatchObject({ status: "done", prompt: "second prompt" });
    expect(message.result).toContain("second prompt");
  });

  it("refuses an empty prompt, a bad timeout and an unknown container with distinct exit codes", async () => {
    const state = await project.start({ agent: "command", envVars: { AGENT_COMMAND: "echo" } });
    const empty = await cli("send", state.containerName, " ");
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("the prompt is empty");
    const badTimeout = await cli("send", state.containerName, "--wait", "--timeout", "soon", "hello");
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toContain("--timeout soon is not a number of seconds");
    const unknown = await cli("send", "app-building-nope", "hello");
    expect(unknown.code).not.toBe(0);
    expect(unknown.code).not.toBe(2);
    expect(unknown.stderr).toContain("app-building-nope");
  });
});
