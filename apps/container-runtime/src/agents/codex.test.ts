import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createGroupRegistry } from "@app-building/types/process";
import { describe, expect, it } from "vitest";
import { codexArgs, createCodexAgent } from "./codex.js";
import type { TurnSink } from "./types.js";

const fixtures = fileURLToPath(new URL("../../test/fixtures/", import.meta.url));
const recordedCodex = join(fixtures, "recorded-codex.mjs");

function sink(): TurnSink & { json: string[]; sessions: string[] } {
  const s = {
    json: [] as string[],
    sessions: [] as string[],
    agentJson: (line: string) => s.json.push(line),
    agentEvent: () => undefined,
    log: () => undefined,
    session: (id: string) => s.sessions.push(id),
  };
  return s;
}

function agent(fixture: string, extra: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "codex-"));
  const log = join(dir, "calls.jsonl");
  const adapter = createCodexAgent({
    bin: recordedCodex,
    env: () => ({
      PATH: process.env.PATH ?? "",
      RECORDED_CODEX_FIXTURE: join(fixtures, fixture),
      RECORDED_CODEX_LOG: log,
      ...extra,
    }),
    groups: createGroupRegistry(),
    interruptGraceMs: 500,
  });
  const calls = () =>
    readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { argv: string[]; stdin: string });
  return { adapter, calls, cwd: dir };
}

describe("codexArgs", () => {
  it("starts a new thread, or resumes the known one, always with JSON output and the prompt on stdin", () => {
    expect(codexArgs({ model: null, sessionId: null })).toEqual([
      "exec",
      "--json",
      "--skip-git-repo-check",
      "--dangerously-bypass-approvals-and-sandbox",
      "-",
    ]);
    expect(codexArgs({ model: "gpt-5-codex", sessionId: "t1" })).toEqual([
      "exec",
      "resume",
      "t1",
      "--json",
      "--skip-git-repo-check",
      "--dangerously-bypass-approvals-and-sandbox",
      "--model",
      "gpt-5-codex",
      "-",
    ]);
  });
});

describe("the Codex adapter, replaying a recorded transcript through a real child process", () => {
  it("reports every line as an event, the thread as the session, and the last agent message as the result", async () => {
    const { adapter, calls, cwd } = agent("codex-exec.jsonl");
    const s = sink();
    const result = await adapter.start({ id: "m1", prompt: "make hi.txt", model: null, sessionId: null, cwd }, s).done;
    expect(result).toMatchObject({
      status: "done",
      result: "Created hi.txt.",
      sessionId: "0199a213-81c0-7800-8aa1-bbab2a035a53",
      numTurns: 1,
      costUsd: null,
      error: null,
    });
    expect(s.json).toHaveLength(7);
    expect(s.sessions).toEqual(["0199a213-81c0-7800-8aa1-bbab2a035a53"]);
    expect(calls()[0]).toEqual({ argv: codexArgs({ model: null, sessionId: null }), stdin: "make hi.txt" });
  });

  it("resumes the thread on the next turn", async () => {
    const { adapter, calls, cwd } = agent("codex-exec.jsonl");
    await adapter.start({ id: "m2", prompt: "again", model: null, sessionId: "0199a213", cwd }, sink()).done;
    expect(calls()[0]?.argv.slice(0, 3)).toEqual(["exec", "resume", "0199a213"]);
  });

  it("turns turn.failed into an error with Codex's own message", async () => {
    const { adapter, cwd } = agent("codex-exec-failed.jsonl");
    const result = await adapter.start({ id: "m3", prompt: "x", model: null, sessionId: null, cwd }, sink()).done;
    expect(result).toMatchObject({
      status: "error",
      error: "stream disconnected before completion: rate limit reached",
    });
  });

  it("interrupts a turn that does not end by itself", async () => {
    const { adapter, cwd } = agent("codex-exec.jsonl", { RECORDED_CODEX_HANG: "1" });
    const s = sink();
    const turn = adapter.start({ id: "m4", prompt: "x", model: null, sessionId: null, cwd }, s);
    while (s.json.length < 7) await new Promise((r) => setTimeout(r, 10));
    turn.interrupt();
    expect((await turn.done).status).toBe("interrupted");
  });
});
