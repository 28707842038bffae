import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentProblems, findExecutable } from "./readiness.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "readiness-"));
  dirs.push(dir);
  return dir;
}

/** A directory for `PATH` holding executable `claude` and `codex` scripts and a `broken` file without the x bit. */
let binDir: string;
beforeAll(() => {
  binDir = tempDir();
  for (const name of ["claude", "codex"]) {
    writeFileSync(join(binDir, name), "#!/bin/sh\nexit 0\n");
    chmodSync(join(binDir, name), 0o755);
  }
  writeFileSync(join(binDir, "broken"), "#!/bin/sh\n");
  chmodSync(join(binDir, "broken"), 0o644);
});

function claude(env: Record<string, string>, bin = "claude") {
  return agentProblems({ agent: "claude", bin, env: { PATH: binDir, HOME: tempDir(), ...env }, platform: "linux" });
}

describe("agentProblems for the claude agent", () => {
  it("says ANTHROPIC_API_KEY is missing, and what to set, when no key or login is present", () => {
    expect(claude({})).toEqual([
      "ANTHROPIC_API_KEY is not set: the claude agent cannot answer prompts. Set ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN / CLAUDE_CODE_OAUTH_TOKEN) in the container's environment.",
    ]);
    expect(claude({ ANTHROPIC_API_KEY: "  " })).toHaveLength(1);
  });

  it("is satisfied by any one of the three key variables", () => {
    for (const name of ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"]) {
      expect(claude({ [name]: "sk-test" }), name).toEqual([]);
    }
  });

  it("is satisfied by a login in ~/.claude or in CLAUDE_CONFIG_DIR", () => {
    const home = tempDir();
    mkdirSync(join(home, ".claude"));
    writeFileSync(join(home, ".claude", ".credentials.json"), "{}");
    expect(claude({ HOME: home })).toEqual([]);

    const configDir = tempDir();
    writeFileSync(join(configDir, ".credentials.json"), "{}");
    expect(claude({ CLAUDE_CONFIG_DIR: configDir })).toEqual([]);
  });

  it("is satisfied by an apiKeyHelper in the user's settings, and not by an empty one", () => {
    const configDir = tempDir();
    writeFileSync(join(configDir, "settings.json"), JSON.stringify({ apiKeyHelper: "" }));
    expect(claude({ CLAUDE_CONFIG_DIR: configDir })).toHaveLength(1);
    writeFileSync(join(configDir, "settings.json"), JSON.stringify({ apiKeyHelper: "/usr/local/bin/print-key" }));
    expect(claude({ CLAUDE_CONFIG_DIR: configDir })).toEqual([]);
  });

  it("says the CLI cannot be found when it is not on PATH or not executable, naming CLAUDE_BIN", () => {
    const [missing] = claude({ ANTHROPIC_API_KEY: "k" }, "no-such-claude");
    expect(missing).toMatch(/^the claude agent's CLI cannot be found \(no-such-claude is not on PATH\)/);
    expect(missing).toContain("set CLAUDE_BIN");
    const [notExecutable] = claude({ ANTHROPIC_API_KEY: "k" }, join(binDir, "broken"));
    expect(notExecutable).toContain(`${join(binDir, "broken")} does not exist or is not executable`);
    expect(claude({ ANTHROPIC_API_KEY: "k" }, join(binDir, "claude"))).toEqual([]);
  });

  it("reports both problems at once", () => {
    expect(claude({}, "no-such-claude")).toHaveLength(2);
  });
});

describe("agentProblems for the codex agent", () => {
  function codex(env: Record<string, string>) {
    return agentProblems({ agent: "codex", bin: "codex", env: { PATH: binDir, HOME: tempDir(), ...env } });
  }

  it("wants OPENAI_API_KEY, CODEX_API_KEY or a codex login", () => {
    const [problem] = codex({});
    expect(problem).toMatch(/^OPENAI_API_KEY is not set: the codex agent cannot answer prompts\. Set OPENAI_API_KEY/);
    expect(codex({ OPENAI_API_KEY: "sk" })).toEqual([]);
    expect(codex({ CODEX_API_KEY: "sk" })).toEqual([]);
    const home = tempDir();
    mkdirSync(join(home, ".codex"));
    writeFileSync(join(home, ".codex", "auth.json"), "{}");
    expect(codex({ HOME: home })).toEqual([]);
  });
});

describe("agentProblems for the command agent", () => {
  it("has nothing to check", () => {
    expect(agentProblems({ agent: "command", bin: null, env: {} })).toEqual([]);
  });
});

describe("findExecutable", () => {
  it("looks a bare name up on PATH, skipping directories and files without the x bit", () => {
    const other = tempDir();
    mkdirSync(join(other, "claude"));
    expect(findExecutable("claude", `${other}:${binDir}`)).toBe(join(binDir, "claude"));
    expect(findExecutable("broken", binDir)).toBeNull();
    expect(findExecutable("claude", "")).toBeNull();
  });
});
