import { execFile } from "node:child_process";
import { chmod, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { git, seedBareRepo } from "@app-building/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type * as Sdk from "../src/index.js";
import { cliEntry } from "./helpers/paths.js";
import { createProject, type Project } from "./helpers/project.js";

const exec = promisify(execFile);
const CLI = cliEntry();

/** A real agent: writes a file (so there is work to commit), says so, then works until interrupted. */
const WRITING_AGENT = `echo "$1" > notes.txt; echo "wrote notes"; exec sleep 60`;
/** A real agent that writes a file and ends its turn. */
const QUICK_AGENT = `echo "$1" > notes.txt`;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe("stopping a container whose work must be pushed", () => {
  let project: Project;
  let remote: string;
  beforeEach(async () => {
    project = await createProject({ agent: "command", envVars: { AGENT_COMMAND: WRITING_AGENT } });
    remote = seedBareRepo(project.root);
  });
  afterEach(async () => {
    await project.cleanup();
  });

  async function cli(...args: string[]): Promise<CliResult> {
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

  /** Starts a container on the bare repo, sends it a prompt and waits until its agent has written its file. */
  async function startWorking(): Promise<Sdk.AgentState> {
    const state = await project.start(
      { envVars: { AGENT_COMMAND: WRITING_AGENT, GIT_PUSH_ATTEMPTS: "1" } },
      { repoUrl: remote, cloneBranch: "main", pushBranch: "agent/stop" },
    );
    const client = project.sdk.createClient(state);
    await client.sendMessage("the work");
    for await (const event of client.events()) {
      if (event.kind === "agent" && JSON.stringify(event.data).includes("wrote notes")) break;
    }
    return state;
  }

  /** Makes the remote refuse every push (a pre-receive hook); returns what lets it take them again. */
  async function refusePushes(): Promise<() => Promise<void>> {
    const hook = join(remote, "hooks", "pre-receive");
    await writeFile(hook, '#!/bin/sh\necho "pushes are closed today" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    return () => rm(hook);
  }

  /**
   * Starts a container whose first message's push the remote refuses, so its commit waits
   * for the push the stop makes (the stop's own push, the last thing before the runtime exits).
   */
  async function startWithPendingPush(): Promise<Sdk.AgentState> {
    const state = await project.start(
      { envVars: { AGENT_COMMAND: QUICK_AGENT, GIT_PUSH_ATTEMPTS: "1" } },
      { repoUrl: remote, cloneBranch: "main", pushBranch: "agent/stop" },
    );
    const client = project.sdk.createClient(state);
    const { id } = await client.sendMessage("the work");
    expect((await client.waitForMessage(id)).status).toBe("done");
    expect((await client.status()).pendingPush).toBe(true);
    return state;
  }

  it("says the stop's push succeeded when the remote took it, and the CLI exits 0", async () => {
    const acceptPushes = await refusePushes();
    const state = await startWithPendingPush();
    await acceptPushes();
    const stopped = await cli("stop", state.containerName, "--json");
    expect(stopped.code, stopped.stderr).toBe(0);
    const result = JSON.parse(stopped.stdout) as Sdk.StopResult;
    expect(result).toMatchObject({ pushed: true, pushError: null, alreadyGone: false });
    expect(result.revision).toBe(git(remote, "rev-parse", "agent/stop"));
    expect(git(remote, "show", "agent/stop:notes.txt")).toBe("the work");
  });

  it("says the stop's push failed when the remote refused it, and the CLI exits 1 saying how to push by hand", async () => {
    await refusePushes();
    const state = await startWithPendingPush();
    const stopped = await cli("stop", state.containerName);
    expect(stopped.code, stopped.stdout + stopped.stderr).toBe(1);
    expect(stopped.stdout + stopped.stderr).toMatch(/push FAILED/);
    expect(stopped.stdout + stopped.stderr).toContain(state.workspaceDir!);
    expect(stopped.stdout + stopped.stderr).toContain("git push");
    // The commit is kept where the message says.
    expect(git(state.workspaceDir!, "show", "HEAD:notes.txt")).toBe("the work");
    expect(() => git(remote, "rev-parse", "--verify", "-q", "agent/stop")).toThrow();
  });

  it("gives StopResult.pushed false with the remote's words, and where the commits are, through the SDK", async () => {
    await refusePushes();
    const state = await startWithPendingPush();
    const result = await project.sdk.stopContainer(project.config, state);
    expect(result.pushed).toBe(false);
    expect(result.pushError).toMatch(/pushes are closed today|pre-receive/);
    expect(result.recovery).toContain(state.workspaceDir!);
  });

  it("says the push succeeded when it was the interrupted message's own push", async () => {
    const state = await startWorking();
    const result = await project.sdk.stopContainer(project.config, state);
    expect(result).toMatchObject({ pushed: true, pushError: null, recovery: null });
    expect(result.revision).toBe(git(remote, "rev-parse", "agent/stop"));
  });

  it("delivers the final container.state stopped event to a followed events() stream", async () => {
    const state = await startWorking();
    const client = project.sdk.createClient(state);
    const tail = await client.eventsTail();
    const kinds: string[] = [];
    const following = (async () => {
      for await (const event of client.events({ offset: tail })) {
        kinds.push(
          event.kind === "container.state" ? `state:${String((event.data as { state?: unknown }).state)}` : event.kind,
        );
      }
    })();
    await project.sdk.stopContainer(project.config, state);
    await following;
    expect(kinds).toContain("git.pushed");
    expect(kinds.at(-1)).toBe("state:stopped");
  });
});
