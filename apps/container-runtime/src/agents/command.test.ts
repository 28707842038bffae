import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGroupRegistry, isAlive } from "@app-building/types/process";
import { describe, expect, it } from "vitest";
import { createCommandAgent, parseAgentCommand } from "./command.js";
import type { TurnSink } from "./types.js";

function recordingSink(): TurnSink & { json: string[]; events: unknown[]; logs: string[] } {
  const sink = {
    json: [] as string[],
    events: [] as unknown[],
    logs: [] as string[],
    agentJson: (line: string) => sink.json.push(line),
    agentEvent: (data: unknown) => sink.events.push(data),
    log: (_stream: string, line: string) => sink.logs.push(line),
    session: () => undefined,
  };
  return sink;
}

/** Whether a process runs (a zombie awaiting its reaper counts as gone). */
const cwd = mkdtempSync(join(tmpdir(), "command-agent-"));
const env = (): Record<string, string> => ({ PATH: process.env.PATH ?? "/usr/bin:/bin" });
const groups = createGroupRegistry();
const input = { id: "m1", prompt: "hello world", model: null, sessionId: null, cwd };

describe("parseAgentCommand", () => {
  it("takes a JSON array as the argv itself", () => {
    expect(parseAgentCommand('["node","-e","1"]')).toEqual({ file: "node", args: ["-e", "1"] });
  });

  it("runs a shell line with the prompt appended, unless the line places it itself", () => {
    expect(parseAgentCommand("aider --message")).toEqual({
      file: "/bin/sh",
      args: ["-c", 'aider --message "$@"', "agent"],
    });
    expect(parseAgentCommand('echo "$1" > f')).toEqual({ file: "/bin/sh", args: ["-c", 'echo "$1" > f', "agent"] });
  });

  it("refuses a JSON value that is not an array of strings", () => {
    expect(() => parseAgentCommand("[1]")).toThrow(/array of strings/);
  });
});

describe("the command agent", () => {
  it("turns JSON lines into events, other lines into text events, stderr into logs", async () => {
    const agent = createCommandAgent({
      command: `printf '{"type":"step","n":1}\\nplain words\\n'; echo "got $1" >&2`,
      promptMode: "arg",
      env,
      groups,
    });
    const sink = recordingSink();
    const result = await agent.start(input, sink).done;
    expect(sink.json).toEqual(['{"type":"step","n":1}']);
    expect(sink.events).toEqual([{ type: "text", text: "plain words" }]);
    expect(sink.logs).toEqual(["got hello world"]);
    expect(result).toMatchObject({ status: "done", result: "plain words", error: null });
  });

  // The shell's own argv, as `ps -ef` shows it to every user, then what the line got as $1.
  const SHOWS_ARGV = `tr '\\0' ' ' < /proc/$$/cmdline; echo; printf '[%s]' "$1"`;

  it("by default gives a shell line the prompt as $1 through stdin, so no argv shows it", async () => {
    const prompt = 'it\'s a "secret" plan\n\n';
    const agent = createCommandAgent({ command: SHOWS_ARGV, promptMode: "auto", env, groups });
    const sink = recordingSink();
    const result = await agent.start({ ...input, prompt }, sink).done;
    expect(result.status).toBe("done");
    const argv = (sink.events[0] as { text: string }).text;
    expect(argv).not.toContain("secret");
    expect(result.result).toBe(`${argv}\n[it's a "secret" plan\n\n]`);
  });

  it("still appends the prompt to a line that does not mention it, read from stdin", async () => {
    const agent = createCommandAgent({ command: "echo reply:", promptMode: "auto", env, groups });
    expect((await agent.start(input, recordingSink()).done).result).toBe("reply: hello world");
  });

  it("puts the prompt in argv only when AGENT_PROMPT_MODE=arg asks for it", async () => {
    const agent = createCommandAgent({ command: SHOWS_ARGV, promptMode: "arg", env, groups });
    const sink = recordingSink();
    await agent.start(input, sink).done;
    expect((sink.events[0] as { text: string }).text).toContain("hello world");
  });

  it("gives the prompt on stdin when asked to", async () => {
    const agent = createCommandAgent({ command: '["cat"]', promptMode: "stdin", env, groups });
    const result = await agent.start(input, recordingSink()).done;
    expect(result.result).toBe("hello world");
  });

  it("reports a failing command as an error with its stderr", async () => {
    const agent = createCommandAgent({ command: "echo broken >&2; exit 3", promptMode: "arg", env, groups });
    const result = await agent.start(input, recordingSink()).done;
    expect(result.status).toBe("error");
    expect(result.error).toMatch(/exited with code 3: broken/);
  });

  it("interrupts the whole process group, leaving no child behind", async () => {
    // The child sleeps far longer than any test timeout: only the interrupt can end the turn.
    const agent = createCommandAgent({
      command: `: "$1"; sleep 3600 & echo "$!"; wait`,
      promptMode: "arg",
      env,
      groups,
    });
    const sink = recordingSink();
    const turn = agent.start(input, sink);
    let ended = false;
    void turn.done.finally(() => (ended = true));
    while (sink.events.length === 0) await new Promise((r) => setTimeout(r, 10));
    const childPid = Number((sink.events[0] as { text: string }).text);
    expect(isAlive(childPid)).toBe(true);
    expect(ended).toBe(false);
    turn.interrupt();
    const result = await turn.done;
    expect(result.status).toBe("interrupted");
    expect(isAlive(childPid)).toBe(false);
  });

  it("SIGKILLs an agent that ignores Ctrl-C and SIGTERM at the end of the interrupt ladder", async () => {
    const agent = createCommandAgent({
      command: `: "$1"; trap '' INT TERM; echo "$$"; while :; do sleep 0.05; done`,
      promptMode: "arg",
      env,
      groups,
      interruptGraceMs: 100,
    });
    const sink = recordingSink();
    const turn = agent.start(input, sink);
    while (sink.events.length === 0) await new Promise((r) => setTimeout(r, 10));
    const shellPid = Number((sink.events[0] as { text: string }).text);
    turn.interrupt();
    const result = await turn.done;
    expect(result.status).toBe("interrupted");
    expect(isAlive(shellPid)).toBe(false);
    expect(groups.groups()).toEqual([]);
  }, 15_000);

  it("kills what the agent left running in the background when it exits", async () => {
    const agent = createCommandAgent({ command: `: "$1"; sleep 30 & echo "$!"`, promptMode: "arg", env, groups });
    const sink = recordingSink();
    const result = await agent.start(input, sink).done;
    expect(result.status).toBe("done");
    const childPid = Number((sink.events[0] as { text: string }).text);
    expect(isAlive(childPid)).toBe(false);
  });
});
