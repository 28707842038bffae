import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { gitCounter } from "./helpers/git-counter.js";
import { bareRepo, filesOnBranch, git, subjects } from "./helpers/git.js";
import { startRuntime, tempDir, waitForEvent, waitForMessage, type EventItem } from "./helpers/runtime-process.js";

/**
 * Whether a process is still running (a zombie waiting to be reaped counts as gone). Read
 * from `/proc` here on purpose, not with `isAlive` of `@app-building/types/process`: the
 * runtime kills its leftovers with that module, so the check stays independent of it.
 */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

// A shell agent: records its pid, writes a file named after the prompt, sleeps on "slow".
const AGENT = `echo $$ > "$HOME/agent.pid"; echo "{\\"type\\":\\"working\\",\\"on\\":\\"$1\\"}"; echo "$1" > "$(echo "$1" | tr ' ' '-').txt"; case "$1" in slow*) sleep 120;; esac`;

describe("a runtime killed with -9 mid-message", () => {
  it("restarts on the same DATA_DIR with every event at its offset, the running message interrupted, the queued one kept, and no orphan", async () => {
    const data = tempDir("crash-data");
    const home = tempDir("crash-home");
    const env = {
      AGENT: "command",
      AGENT_COMMAND: AGENT,
      DATA_DIR: data,
      WORKSPACE_DIR: tempDir("crash-ws"),
      HOME: home,
    };
    const first = await startRuntime(env);
    const slow = await first.api<{ id: string }>("/message", { body: { prompt: "slow job" } });
    const queued = await first.api<{ id: string }>("/message", { body: { prompt: "quick job" } });
    await waitForEvent(first, (e) => e.messageId === slow.body.id && e.kind === "agent");
    const before = (await first.api<{ items: EventItem[]; nextOffset: number }>("/events?limit=10000")).body;
    const agentPid = Number(readFileSync(join(home, "agent.pid"), "utf8"));
    expect(running(agentPid)).toBe(true);
    await first.kill("SIGKILL");

    const second = await startRuntime(env);
    try {
      expect(running(agentPid)).toBe(false);
      const after = (await second.api<{ items: EventItem[] }>(`/events?limit=${before.nextOffset}`)).body;
      expect(after.items).toEqual(before.items);
      expect((await second.api<{ status: string }>(`/message/${slow.body.id}`)).body).toMatchObject({
        status: "interrupted",
        error: "the runtime stopped while this message ran",
      });
      const done = await waitForMessage(second, queued.body.id);
      expect(done).toMatchObject({ status: "done" });
      expect(Date.parse(done.startedAt as string)).toBeGreaterThan(Date.parse(before.items.at(-1)!.time));
      const { event } = await waitForEvent(
        second,
        (e) => e.kind === "message.interrupted" && e.messageId === slow.body.id,
      );
      expect(event.offset).toBeGreaterThanOrEqual(before.nextOffset);
    } finally {
      await second.kill();
    }
  });
});

describe("pushing to a remote that cannot be reached", () => {
  it("keeps the commits, reports pendingPush, and pushes them all once the remote is back", async () => {
    const bare = bareRepo();
    const workspace = tempDir("push-ws");
    const rt = await startRuntime({
      AGENT: "command",
      AGENT_COMMAND: AGENT,
      REPO_URL: bare,
      PUSH_BRANCH: "agent/push",
      GIT_PUSH_ATTEMPTS: "2",
      GIT_RETRY_BASE_MS: "20",
      DATA_DIR: tempDir("push-data"),
      WORKSPACE_DIR: workspace,
      HOME: tempDir("push-home"),
    });
    try {
      const one = await rt.api<{ id: string }>("/message", { body: { prompt: "first file" } });
      expect(await waitForMessage(rt, one.body.id)).toMatchObject({ status: "done" });
      expect(filesOnBranch(bare, "agent/push")).toEqual(["README.md", "first-file.txt"]);

      const away = `${bare}.away`;
      renameSync(bare, away);
      const two = await rt.api<{ id: string }>("/message", { body: { prompt: "second file" } });
      expect(await waitForMessage(rt, two.body.id)).toMatchObject({ status: "done" });
      const failed = await waitForEvent(rt, (e) => e.kind === "git.push_failed" && e.messageId === two.body.id);
      expect(failed.event.data).toMatchObject({ branch: "agent/push", attempts: 2 });
      expect((await rt.api<{ pendingPush: boolean }>("/status")).body.pendingPush).toBe(true);
      expect(subjects(workspace, "HEAD")[0]).toBe(`message ${two.body.id}: second file`);

      renameSync(away, bare);
      const three = await rt.api<{ id: string }>("/message", { body: { prompt: "third file" } });
      expect(await waitForMessage(rt, three.body.id)).toMatchObject({ status: "done" });
      expect((await rt.api<{ pendingPush: boolean }>("/status")).body.pendingPush).toBe(false);
      expect(filesOnBranch(bare, "agent/push")).toEqual([
        "README.md",
        "first-file.txt",
        "second-file.txt",
        "third-file.txt",
      ]);
      expect(git(bare, "rev-parse", "agent/push")).toBe(git(workspace, "rev-parse", "HEAD"));
      expect(existsSync(join(workspace, ".git"))).toBe(true);
    } finally {
      await rt.kill();
    }
  });
});

describe("pushing a message's commit", () => {
  it("takes one round trip to the remote when the push fast-forwards: one push, no ls-remote or fetch", async () => {
    const bare = bareRepo();
    const workspace = tempDir("ff-ws");
    const counter = gitCounter();
    const rt = await startRuntime({
      PATH: counter.path,
      AGENT: "command",
      AGENT_COMMAND: AGENT,
      REPO_URL: bare,
      PUSH_BRANCH: "agent/ff",
      DATA_DIR: tempDir("ff-data"),
      WORKSPACE_DIR: workspace,
      HOME: tempDir("ff-home"),
    });
    try {
      for (const prompt of ["new branch", "fast forward", "another fast forward"]) {
        const before = counter.remoteCommands().length;
        const sent = await rt.api<{ id: string }>("/message", { body: { prompt } });
        expect(await waitForMessage(rt, sent.body.id)).toMatchObject({ status: "done" });
        expect(counter.remoteCommands().slice(before)).toEqual(["push"]);
      }
      expect(filesOnBranch(bare, "agent/ff")).toEqual([
        "README.md",
        "another-fast-forward.txt",
        "fast-forward.txt",
        "new-branch.txt",
      ]);
      expect(git(bare, "rev-parse", "agent/ff")).toBe(git(workspace, "rev-parse", "HEAD"));
      expect(git(workspace, "rev-parse", "origin/agent/ff")).toBe(git(workspace, "rev-parse", "HEAD"));
    } finally {
      await rt.kill();
    }
  });
});

describe("a new workspace without a remote", () => {
  it("starts with one git command, init, and commits the first message on the push branch", async () => {
    const workspace = tempDir("new-ws");
    const counter = gitCounter();
    const rt = await startRuntime({
      PATH: counter.path,
      AGENT: "command",
      AGENT_COMMAND: AGENT,
      PUSH_BRANCH: "agent/new",
      DATA_DIR: tempDir("new-data"),
      WORKSPACE_DIR: workspace,
      HOME: tempDir("new-home"),
    });
    try {
      expect(counter.commands()).toEqual(["init"]);
      expect((await rt.api<{ revision: string | null }>("/status")).body.revision).toBeNull();
      const sent = await rt.api<{ id: string }>("/message", { body: { prompt: "first file" } });
      expect(await waitForMessage(rt, sent.body.id)).toMatchObject({ status: "done" });
      expect(git(workspace, "symbolic-ref", "--short", "HEAD")).toBe("agent/new");
      expect(subjects(workspace, "HEAD")).toEqual([`message ${sent.body.id}: first file`]);
      expect((await rt.api<{ revision: string | null }>("/status")).body.revision).toBe(
        git(workspace, "rev-parse", "HEAD"),
      );
    } finally {
      await rt.kill();
    }
  });
});

describe("a push branch someone else moved", () => {
  it("is fetched and merged once the remote refuses the push, then pushed again, so both sides' work lands", async () => {
    const bare = bareRepo();
    const counter = gitCounter();
    const rt = await startRuntime({
      PATH: counter.path,
      AGENT: "command",
      AGENT_COMMAND: AGENT,
      REPO_URL: bare,
      PUSH_BRANCH: "agent/shared",
      DATA_DIR: tempDir("merge-data"),
      WORKSPACE_DIR: tempDir("merge-ws"),
      HOME: tempDir("merge-home"),
    });
    try {
      const one = await rt.api<{ id: string }>("/message", { body: { prompt: "agent one" } });
      await waitForMessage(rt, one.body.id);
      const human = tempDir("human");
      git(human, "clone", "-q", "--branch", "agent/shared", bare, ".");
      writeFileSync(join(human, "human.txt"), "a person's change\n");
      git(human, "add", "human.txt");
      git(human, "commit", "-q", "-m", "a person's change");
      git(human, "push", "-q", "origin", "agent/shared");

      const before = counter.remoteCommands().length;
      const two = await rt.api<{ id: string }>("/message", { body: { prompt: "agent two" } });
      expect(await waitForMessage(rt, two.body.id)).toMatchObject({ status: "done" });
      expect(counter.remoteCommands().slice(before)).toEqual(["push", "fetch", "push"]);
      expect(filesOnBranch(bare, "agent/shared")).toEqual(["README.md", "agent-one.txt", "agent-two.txt", "human.txt"]);
      expect((await rt.api<{ pendingPush: boolean }>("/status")).body.pendingPush).toBe(false);
    } finally {
      await rt.kill();
    }
  });
});
