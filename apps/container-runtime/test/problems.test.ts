import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRuntime, tempDir, waitForLog, type RuntimeProcess } from "./helpers/runtime-process.js";

const NO_KEY =
  "ANTHROPIC_API_KEY is not set: the claude agent cannot answer prompts. Set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN / CLAUDE_CODE_OAUTH_TOKEN) in the container's environment.";

describe("a claude runtime with no model API key and no Claude Code CLI", () => {
  let rt: RuntimeProcess;

  beforeAll(async () => {
    rt = await startRuntime({
      AGENT: "claude",
      CLAUDE_BIN: "/nonexistent/bin/claude",
      HOME: tempDir("no-login-home"),
      DATA_DIR: tempDir("problems-data"),
      WORKSPACE_DIR: tempDir("problems-ws"),
    });
  });
  afterAll(async () => {
    await rt.kill();
  });

  it("still starts, and says in /status what is missing and what to do", async () => {
    expect(await (await fetch(`${rt.url}/health`)).json()).toEqual({ ok: true, state: "idle" });
    const { status, body } = await rt.api<{ state: string; problems: string[] }>("/status");
    expect(status).toBe(200);
    expect(body.state).toBe("idle");
    expect(body.problems).toEqual([
      expect.stringMatching(/^the claude agent's CLI cannot be found \(\/nonexistent\/bin\/claude does not exist/),
      NO_KEY,
    ]);
  });

  it("logs each problem once at start-up", async () => {
    await waitForLog(rt, (line) => line.includes("ANTHROPIC_API_KEY is not set"));
    await rt.api("/status");
    const { body } = await rt.api<{ items: { stream: string; line: string }[] }>("/logs?offset=0&limit=10000");
    const problems = body.items.filter((item) => item.line.startsWith("problem: "));
    expect(problems.map((item) => item.stream)).toEqual(["runtime", "runtime"]);
    expect(problems.map((item) => item.line)).toContain(`problem: ${NO_KEY}`);
  });
});

describe("a claude runtime whose user logs in while it runs", () => {
  it("stops reporting the missing key once credentials appear, without a restart", async () => {
    const home = tempDir("login-home");
    const rt = await startRuntime({
      AGENT: "claude",
      HOME: home,
      DATA_DIR: tempDir("login-data"),
      WORKSPACE_DIR: tempDir("login-ws"),
    });
    try {
      expect((await rt.api<{ problems: string[] }>("/status")).body.problems).toEqual([NO_KEY]);
      mkdirSync(join(home, ".claude"), { recursive: true });
      writeFileSync(join(home, ".claude", ".credentials.json"), "{}");
      await expect
        .poll(async () => (await rt.api<{ problems: string[] }>("/status")).body.problems, {
          timeout: 20_000,
          interval: 250,
        })
        .toEqual([]);
    } finally {
      await rt.kill();
    }
  });
});

describe("a claude runtime with a key and the pinned Claude Code CLI", () => {
  it("reports no problems", async () => {
    const rt = await startRuntime({
      AGENT: "claude",
      ANTHROPIC_API_KEY: "sk-ant-test-not-a-real-key",
      HOME: tempDir("keyed-home"),
      DATA_DIR: tempDir("keyed-data"),
      WORKSPACE_DIR: tempDir("keyed-ws"),
    });
    try {
      expect((await rt.api<{ problems: string[] }>("/status")).body.problems).toEqual([]);
    } finally {
      await rt.kill();
    }
  });
});
