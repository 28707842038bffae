import { execFile } from "node:child_process";
import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { git } from "@app-building/testkit";
import { cliEntry, sdkRoot } from "./helpers/paths.js";
import { createProject, type Project } from "./helpers/project.js";
import { isAlive } from "@app-building/types/process";

const exec = promisify(execFile);
const CLI = cliEntry();
const PTY = join(sdkRoot, "test", "helpers", "pty-expect.py");

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

describe("the app-building CLI", () => {
  let project: Project;
  let env: Record<string, string>;
  beforeEach(async () => {
    project = await createProject();
    const agent = join(project.root, "slow-agent.sh");
    // A real agent command: says what it works on, then works for a minute (unless interrupted).
    await writeFile(agent, '#!/bin/sh\necho "working on: $1"\nexec sleep 60\n');
    await chmod(agent, 0o755);
    env = {
      AGENT_COMMAND: agent,
      APP_BUILDING_REGISTRY: join(project.root, ".container-registry.jsonl"),
      APP_BUILDING_STATE_DIR: join(project.root, "state"),
    };
  });
  afterEach(async () => {
    for (const entry of await project.config.registry.getRecent(100))
      if (entry.pid !== undefined) project.started.push(entry);
    await project.cleanup();
  });

  async function cli(...args: string[]): Promise<CliResult> {
    try {
      const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], {
        cwd: project.root,
        env: { ...process.env, ...env, NO_COLOR: "1" },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it("runs a one-shot prompt, lists the container, shows its status and stops it", async () => {
    const started = await cli("run", "-p", "write the docs", "--agent", "command", "--driver", "process", "--json");
    expect(started.code, started.stderr).toBe(0);
    const { containerName } = JSON.parse(started.stdout) as { containerName: string };
    const all = JSON.parse((await cli("ls", "--all", "--json")).stdout) as { containerName: string; token?: string }[];
    expect(all.map((e) => e.containerName)).toEqual([containerName]);
    expect(all[0]!.token).toBeUndefined();
    let events = "";
    for (let i = 0; i < 200 && !events.includes("working on: write the docs"); i += 1) {
      events = (await cli("events", containerName)).stdout;
      if (!events.includes("working on")) await sleep(50);
    }
    expect(events).toContain("working on: write the docs");
    const status = JSON.parse((await cli("status", containerName, "--json")).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ containerName, state: "processing", detachRequested: true, driver: "process" });
    const stopped = await cli("stop", containerName);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain(`stopped ${containerName}`);
  });

  it("lists a container that finished its work and exited as stopped, not as running", async () => {
    const quick = join(project.root, "quick-agent.sh");
    await writeFile(quick, '#!/bin/sh\necho "done: $1"\n');
    await chmod(quick, 0o755);
    env.AGENT_COMMAND = quick;
    const started = await cli("run", "-p", "one short job", "--agent", "command", "--driver", "process", "--json");
    expect(started.code, started.stderr).toBe(0);
    const { containerName, pid } = JSON.parse(started.stdout) as { containerName: string; pid: number };
    // The detached container exits by itself once its one message is done.
    for (let i = 0; i < 200 && isAlive(pid); i += 1) await sleep(50);
    expect(isAlive(pid)).toBe(false);
    const listed = JSON.parse((await cli("ls", "--all", "--json")).stdout) as {
      containerName: string;
      stoppedAt: string | null;
    }[];
    expect(listed.find((e) => e.containerName === containerName)?.stoppedAt).not.toBeNull();
    expect((await cli("ls", "--all")).stdout).toMatch(new RegExp(`${containerName}\\s+process\\s+stopped`));
    expect((await cli("ls")).stdout).not.toContain(containerName);
  });

  it("exits with distinct codes for a bad command line, an unknown container and a missing Fly token", async () => {
    expect((await cli("run")).code).toBe(2);
    const unknown = await cli("status", "app-building-missing");
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/No container named "app-building-missing".*ls --all/);
    const fly = await cli("fly", "machines", "list");
    expect(fly.code).toBe(6);
    expect(fly.stderr).toMatch(/FLY_API_TOKEN/);
  });

  it("shows what keeps the agent from working: a claude container with no API key says so", async () => {
    const state = await project.start({
      agent: "claude",
      envVars: {
        HOME: project.root,
        ANTHROPIC_API_KEY: "",
        ANTHROPIC_AUTH_TOKEN: "",
        CLAUDE_CODE_OAUTH_TOKEN: "",
        CLAUDE_CONFIG_DIR: "",
      },
    });
    const status = await cli("status", state.containerName);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(
      "  ⚠ problem: ANTHROPIC_API_KEY is not set: the claude agent cannot answer prompts. Set ANTHROPIC_API_KEY",
    );
    const json = JSON.parse((await cli("status", state.containerName, "--json")).stdout) as { problems: string[] };
    expect(json.problems).toEqual([expect.stringMatching(/^ANTHROPIC_API_KEY is not set/)]);
  });

  it("runs in an existing checkout with --workspace, committing on the checkout's branch", async () => {
    const checkout = join(project.root, "checkout");
    git(project.root, "init", "-q", "-b", "main", checkout);
    const quick = join(project.root, "quick-agent.sh");
    await writeFile(quick, '#!/bin/sh\necho "$1" > agent.txt\n');
    await chmod(quick, 0o755);
    env.AGENT_COMMAND = quick;
    const started = await cli(
      "run",
      "-p",
      "one job",
      "--agent",
      "command",
      "--driver",
      "process",
      "--workspace",
      "checkout",
    );
    expect(started.code, started.stderr).toBe(0);
    const containerName = started.stdout.trim();
    expect(await project.config.registry.find(containerName)).toMatchObject({
      workspaceDir: checkout,
      pushBranch: "main",
    });
    const onMain = (): string => {
      try {
        return git(checkout, "log", "--format=%s", "main");
      } catch {
        return ""; // no commit yet
      }
    };
    for (let i = 0; i < 200 && onMain() === ""; i += 1) await sleep(50);
    expect(git(checkout, "symbolic-ref", "--short", "HEAD")).toBe("main");
    expect(git(checkout, "log", "--format=%s", "main")).toMatch(/^message \S+: one job$/);

    const missing = await cli("run", "-p", "x", "--agent", "command", "--driver", "process", "--workspace", "nope");
    expect(missing.code).toBe(6);
    expect(missing.stderr).toContain(`workspaceDir ${join(project.root, "nope")} does not exist`);
  });

  it("stops a container by name and reports it as stopped", async () => {
    const state = await project.start({ agent: "command", envVars: { AGENT_COMMAND: "echo" } });
    const stopped = await cli("stop", state.containerName, "--json");
    expect(stopped.code).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ containerName: state.containerName });
    const listed = JSON.parse((await cli("ls", "--all", "--json")).stdout) as { stoppedAt: string | null }[];
    expect(listed[0]!.stoppedAt).not.toBeNull();
    // What it left stays readable: its journal says it stopped.
    const status = await cli("status", state.containerName, "--json");
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: "stopped", source: "journal", stoppedCleanly: true });
  });

  /** Drives `app-building attach NAME` in a real terminal through `steps`. */
  async function attachInTerminal(name: string, steps: ({ expect: string; timeout: number } | { send: string })[]) {
    const spec = {
      argv: [process.execPath, CLI, "attach", name],
      cwd: project.root,
      env: { ...env, NO_COLOR: "1" },
      steps,
      exitTimeout: 30,
    };
    const { stdout } = await exec("python3", [PTY, JSON.stringify(spec)]).catch((error: { stdout: string }) => ({
      stdout: error.stdout,
    }));
    return JSON.parse(stdout) as { ok: boolean; exitCode: number | null; failedStep: unknown; transcript: string };
  }

  it("attach: Ctrl+C leaves the container running with its queue, Ctrl+] detaches it", async () => {
    const state = await project.start({ agent: "command", envVars: { AGENT_COMMAND: env.AGENT_COMMAND! } });
    const name = state.containerName;
    const left = await attachInTerminal(name, [
      { expect: `attached to ${name}: .*Ctrl\\+C or Ctrl\\+D leaves it running, Ctrl\\+\\] detaches`, timeout: 30 },
      { send: "paint the fence\r" },
      { expect: "working on: paint the fence", timeout: 30 },
      { send: "\x03" },
      { expect: `left ${name} running`, timeout: 30 },
    ]);
    expect(left, left.transcript).toMatchObject({ ok: true, exitCode: 0 });
    // Still there, still working on the message, and not asked to detach.
    const after = await cli("status", name, "--json");
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({
      containerName: name,
      state: "processing",
      detachRequested: false,
    });

    const detached = await attachInTerminal(name, [
      { expect: `attached to ${name}`, timeout: 30 },
      { send: "\x1d" },
      { expect: `detached from ${name}`, timeout: 30 },
    ]);
    expect(detached, detached.transcript).toMatchObject({ ok: true, exitCode: 0 });
    const status = JSON.parse((await cli("status", name, "--json")).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ containerName: name, detachRequested: true });
  });

  it("is interactive in a terminal: Enter sends, ESC interrupts the turn, Ctrl+D detaches", async () => {
    const spec = {
      argv: [process.execPath, CLI, "run", "-i", "--agent", "command", "--driver", "process"],
      cwd: project.root,
      env: { ...env, NO_COLOR: "1" },
      steps: [
        { expect: "attached to (app-building-[0-9a-f]+)", timeout: 30 },
        { send: "paint the fence\r" },
        { expect: "working on: paint the fence", timeout: 30 },
        { send: "\x1b" },
        { expect: "interrupted", timeout: 30 },
        { send: "\x04" },
        { expect: "detached from", timeout: 30 },
      ],
      exitTimeout: 30,
    };
    const { stdout } = await exec("python3", [PTY, JSON.stringify(spec)]).catch((error: { stdout: string }) => ({
      stdout: error.stdout,
    }));
    const outcome = JSON.parse(stdout) as {
      ok: boolean;
      exitCode: number | null;
      failedStep: unknown;
      transcript: string;
    };
    expect(outcome, outcome.transcript).toMatchObject({ ok: true, exitCode: 0 });
    const name = /attached to (app-building-[0-9a-f]+)/.exec(outcome.transcript)![1]!;
    const entry = (await project.config.registry.find(name))!;
    // Detached with an empty queue: the container exits by itself.
    for (let i = 0; i < 200 && (await project.sdk.probeAlive(entry, 500)); i += 1) await sleep(50);
    expect(await project.sdk.probeAlive(entry, 500)).toBe(false);
  });
});
