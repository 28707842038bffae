import { execFile } from "node:child_process";
import { chmodSync, chownSync, readdirSync, readFileSync, rmSync, statSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startScriptedModel, type ScriptedModel } from "@app-building/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bareRepo } from "./helpers/git.js";

// The runtime image (apps/container-runtime/Dockerfile) under a real Docker Engine: built by
// docker/build-runtime-image.sh (or reused when up to date), run with host networking as
// the SDK's docker driver runs it, and reached over 127.0.0.1 only.

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const BUILD_SCRIPT = join(ROOT, "docker", "build-runtime-image.sh");
const IMAGE = process.env.APP_BUILDING_RUNTIME_IMAGE ?? "app-building/container-runtime:latest";
const TOKEN = "image-test-token-0123456789";
/** The uid of the image's `agent` user (Dockerfile `AGENT_UID`). */
const AGENT_UID = 1000;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

async function must(cmd: string, args: string[], timeoutMs?: number): Promise<string> {
  const result = await run(cmd, args, timeoutMs);
  if (result.code !== 0) {
    throw new Error(
      `${cmd} ${args.join(" ")} failed (exit ${result.code}):\n${(result.stdout + result.stderr).slice(-4000)}`,
    );
  }
  return result.stdout.trim();
}

/** git on the host, on a repository the container's user owns. */
function hostGit(repo: string, ...args: string[]): Promise<string> {
  return must("git", ["-c", "safe.directory=*", "-C", repo, ...args]);
}

/** The skills this repository ships: folders of skills/ holding a SKILL.md. */
function repoSkills(): string[] {
  const dir = join(ROOT, "skills");
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory() && existsSync(join(dir, name, "SKILL.md")))
    .sort();
}

describe("the container-runtime image under a real Docker Engine", () => {
  const name = `app-building-image-test-${process.pid}-${Date.now().toString(36)}`;
  let port: number;
  let base: string;
  let model: ScriptedModel | undefined;
  let bare: string;
  let remoteDir: string;
  let readyLine: string;

  const api = async <T = Record<string, unknown>>(
    path: string,
    init: { body?: unknown; token?: string | null } = {},
  ): Promise<{ status: number; body: T }> => {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (init.token !== null) headers.authorization = `Bearer ${init.token ?? TOKEN}`;
    const response = await fetch(`${base}${path}`, {
      method: init.body === undefined ? "GET" : "POST",
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, body: (text === "" ? null : JSON.parse(text)) as T };
  };

  const exec = (...args: string[]): Promise<string> => must("docker", ["exec", name, ...args]);

  // A setup failure (above all: no engine) fails every test with its message, rather than
  // leaving them reported as skipped.
  let setupError: Error | undefined;
  beforeAll(async () => {
    try {
      await setUp();
    } catch (error) {
      setupError = error instanceof Error ? error : new Error(String(error));
    }
  });
  beforeEach(() => {
    if (setupError !== undefined) throw setupError;
  });

  async function setUp(): Promise<void> {
    const info = await run("docker", ["info", "--format", "{{.ServerVersion}}"], 15_000);
    if (info.code !== 0) {
      throw new Error(
        "No Docker Engine answers (docker info failed), so the runtime image cannot be built or run. " +
          "Start one: as root, `bash scripts/ensure/20-docker.sh test` (npm test does this), or start Docker.\n" +
          (info.stderr || info.stdout).trim(),
      );
    }
    // npm test has just built every package: use that build rather than building again.
    await must("bash", [BUILD_SCRIPT, "--no-build", IMAGE], 30 * 60_000);

    model = await startScriptedModel();
    bare = bareRepo();
    remoteDir = dirname(bare);
    // The container's user pushes into the repository: make it that user's.
    for (const path of walk(remoteDir)) {
      if (process.getuid?.() === 0) chownSync(path, AGENT_UID, AGENT_UID);
      else chmodSync(path, statSync(path).mode | 0o777);
    }

    port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const env: Record<string, string> = {
      PORT: String(port),
      HOST: "127.0.0.1",
      CONTAINER_NAME: "image-test",
      CONTAINER_TOKEN: TOKEN,
      REPO_URL: "/remote/origin.git",
      CLONE_BRANCH: "main",
      PUSH_BRANCH: "agent/image",
      ...model.env(),
    };
    const envArgs = Object.entries(env).flatMap(([key, value]) => ["-e", `${key}=${value}`]);
    await must("docker", [
      "run",
      "-d",
      "--name",
      name,
      "--label",
      "app-building.test=image",
      "--network",
      "host",
      "-v",
      `${remoteDir}:/remote`,
      ...envArgs,
      IMAGE,
    ]);
    readyLine = await waitForReadyLine(name, 60_000);
  }

  afterAll(async () => {
    await run("docker", ["rm", "-f", "--volumes", name]);
    await model?.close();
    if (remoteDir !== undefined) rmSync(remoteDir, { recursive: true, force: true });
  });

  it("prints its ready line with the port it was given, and answers /health without a token", async () => {
    expect(JSON.parse(readyLine)).toEqual({ ready: true, port });
    const health = await api("/health", { token: null });
    expect(health.status).toBe(200);
  });

  it("answers /status only with the bearer token", async () => {
    const anonymous = await api<{ error: string }>("/status", { token: null });
    expect(anonymous.status).toBe(401);
    expect(typeof anonymous.body.error).toBe("string");
    const wrong = await api("/status", { token: "not-the-token" });
    expect(wrong.status).toBe(401);
    const status = await api("/status");
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ containerName: "image-test", agent: "claude", pushBranch: "agent/image" });
    expect(["starting", "idle"]).toContain(status.body.state);
  });

  it("runs the server as the non-root user agent, owning /data and /workspace", async () => {
    expect(await exec("id", "-un")).toBe("agent");
    expect(Number(await exec("id", "-u"))).not.toBe(0);
    // PID 1 (tini) and the server under it run as that user too.
    expect(await exec("stat", "-c", "%U", "/proc/1")).toBe("agent");
    expect(await exec("stat", "-c", "%U", "/data", "/workspace")).toBe("agent\nagent");
    expect(await exec("sh", "-c", "ls /data")).toContain("runtime.sqlite");
  });

  it("carries the pinned Claude Code CLI on the PATH", async () => {
    // The version the workspace installed from the lockfile (package.json says "catalog:").
    const installed = createRequire(join(ROOT, "apps", "container-runtime", "package.json")).resolve(
      "@anthropic-ai/claude-code/package.json",
    );
    const pinned = (JSON.parse(readFileSync(installed, "utf8")) as { version: string }).version;
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    expect(await exec("claude", "--version")).toContain(pinned);
  });

  it("gives the agent's shell git, curl and ps", async () => {
    const found = await exec("sh", "-c", "for tool in git curl ps; do command -v $tool; done");
    expect(found.split("\n")).toHaveLength(3);
  });

  it("installs every skill of the repository where Claude Code finds them (~/.claude/skills)", async () => {
    const listed = (await exec("sh", "-c", "cd ~/.claude/skills && ls -d */ | tr -d /")).split("\n").sort();
    expect(listed).toEqual(repoSkills());
    for (const skill of repoSkills()) {
      const inImage = await exec("cat", `/home/agent/.claude/skills/${skill}/SKILL.md`);
      expect(inImage).toBe(readFileSync(join(ROOT, "skills", skill, "SKILL.md"), "utf8").trim());
    }
  });

  it("runs a prompt with the real Claude Code CLI inside: it sees the skills, writes a file, and the commit is pushed", async () => {
    model!.push(
      {
        toolUses: [{ name: "Write", input: { file_path: "/workspace/hello.txt", content: "hello from the image\n" } }],
      },
      { text: "I wrote hello.txt" },
    );
    const sent = await api<{ id: string }>("/message", { body: { prompt: "Create hello.txt" } });
    expect(sent.status).toBe(202);
    let message: Record<string, unknown> = {};
    const until = Date.now() + 90_000;
    while (Date.now() < until) {
      message = (await api(`/message/${sent.body.id}`)).body;
      if (message.status !== "queued" && message.status !== "processing") break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(message).toMatchObject({ status: "done", result: "I wrote hello.txt" });
    expect(await exec("cat", "/workspace/hello.txt")).toBe("hello from the image");

    const events = await api<{ items: { kind: string; data: Record<string, unknown> }[] }>(
      "/events?offset=0&limit=500",
    );
    const init = events.body.items.find((e) => e.data.type === "system" && e.data.subtype === "init");
    expect(init?.data.skills).toEqual(expect.arrayContaining(repoSkills()));

    const status = await api("/status");
    expect(status.body.pendingPush).toBe(false);
    expect(await hostGit(bare, "ls-tree", "--name-only", "agent/image")).toContain("hello.txt");
    expect(status.body.revision).toBe(await hostGit(bare, "rev-parse", "agent/image"));
  });

  it("stops on docker stop's SIGTERM (through tini), before the grace ends in SIGKILL", async () => {
    await must("docker", ["stop", "--time", "20", name], 30_000);
    // Exit code 0, not 137: the runtime ended on SIGTERM before docker's grace ran out and it sent SIGKILL.
    expect(await must("docker", ["inspect", "--format", "{{.State.ExitCode}}", name])).toBe("0");
  });
});

function* walk(dir: string): Generator<string> {
  yield dir;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** Follows the container's output until the runtime's ready line, failing with its logs if it dies first. */
async function waitForReadyLine(container: string, timeoutMs: number): Promise<string> {
  const until = Date.now() + timeoutMs;
  let delay = 25;
  for (;;) {
    const logs = await run("docker", ["logs", container], 15_000);
    const line = (logs.stdout + logs.stderr).split("\n").find((l) => l.startsWith('{"ready"'));
    if (line !== undefined) {
      if (!line.startsWith('{"ready":true')) throw new Error(`the runtime failed to start: ${line}`);
      return line;
    }
    const running = await run("docker", ["inspect", "--format", "{{.State.Running}}", container]);
    if (running.stdout.trim() !== "true" || Date.now() > until) {
      throw new Error(
        `the container ${container} ${running.stdout.trim() === "true" ? "is not ready in time" : "exited while starting"}:\n` +
          (logs.stdout + logs.stderr).slice(-4000),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 500);
  }
}
