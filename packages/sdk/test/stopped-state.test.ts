import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, seedBareRepo } from "@app-building/testkit";
import { signalGroup } from "@app-building/types/process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packedProject } from "./helpers/paths.js";

/**
 * The packed packages, installed in a scratch project outside the workspace: where the CLI
 * keeps its state, what a run in a checkout commits, what an exited container still tells,
 * and what `prune` removes.
 */

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Running {
  /** Resolves once stderr holds `text`. */
  saidOnStderr(text: string): Promise<void>;
  done: Promise<Ran>;
}

/** The CLI installed from the packed tarball (the run's global setup installed it). */
const scratch = { bin: join(packedProject(), "node_modules", ".bin", "app-building") };
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "sdk-state-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Runs the installed CLI with only the environment a user's shell would give it, plus `env`. */
function start(args: string[], options: { cwd: string; env: Record<string, string> }): Running {
  const child = spawn(scratch.bin, args, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? root, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
    for (const waiter of waiters.filter((w) => stderr.includes(w.text))) waiter.resolve();
  });
  const done = new Promise<Ran>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  return {
    saidOnStderr: (text) =>
      new Promise<void>((resolve, reject) => {
        if (stderr.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void done.then(() => (stderr.includes(text) ? resolve() : reject(new Error(`never said ${text}: ${stderr}`))));
      }),
    done,
  };
}

const cli = (args: string[], options: { cwd: string; env: Record<string, string> }) => start(args, options).done;

/** A fresh state folder, a bare remote and a clone of it: what one test works with. */
function setting(name: string) {
  const dir = join(root, name);
  const bare = seedBareRepo(dir);
  git(dir, "clone", "-q", bare, "checkout");
  return { dir, bare, checkout: join(dir, "checkout"), stateHome: join(dir, "state") };
}

const WRITE_A_NOTE = 'printf "%s\\n" "$1" > agent-note.txt; echo "wrote the note"';

/** `run --workspace .` in `checkout`, one prompt that writes a note, pushed to `agent/work`; returns the container's name. */
async function writeNoteIn(checkout: string, bare: string, env: Record<string, string>): Promise<string> {
  const run = await cli(
    [
      "run",
      "-p",
      "write a note",
      "--driver",
      "process",
      "--agent",
      "command",
      "--workspace",
      ".",
      "--repo",
      bare,
      "--push-branch",
      "agent/work",
    ],
    { cwd: checkout, env },
  );
  expect(run.code, run.stderr).toBe(0);
  return run.stdout.trim();
}

describe("the CLI from the packed package", () => {
  it("runs in a checkout committing only the agent's files, and leaves none of its own state in the checkout", async () => {
    const { bare, checkout, stateHome } = setting("workspace");
    const env = { XDG_STATE_HOME: stateHome, AGENT_COMMAND: WRITE_A_NOTE };
    const name = await writeNoteIn(checkout, bare, env);
    // Followed to its end: it exits once its prompt is done (a detached run).
    const followed = await cli(["events", name, "-f"], { cwd: checkout, env });
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stdout).toContain("· stopped");

    const stat = git(bare, "show", "--stat", "--format=", "agent/work");
    expect(git(bare, "show", "--name-only", "--format=", "agent/work").split("\n")).toEqual(["agent-note.txt"]);
    expect(stat).toMatch(/^agent-note\.txt \| 1 \+\n 1 file changed/);
    expect(git(checkout, "status", "--porcelain", "--untracked-files=all", "--ignored")).toBe("");
    // Its registry and the container's folder are in the user's state folder instead.
    expect(readdirSync(join(stateHome, "app-building"))).toEqual(
      expect.arrayContaining(["containers", "registry.jsonl"]),
    );
  });

  it("commits none of its state even when the state folder is inside the workspace", async () => {
    const { bare, checkout } = setting("state-inside");
    const env = { APP_BUILDING_STATE_DIR: join(checkout, "agent-state"), AGENT_COMMAND: WRITE_A_NOTE };
    const name = await writeNoteIn(checkout, bare, env);
    expect((await cli(["events", name, "-f"], { cwd: checkout, env })).code).toBe(0);

    expect(existsSync(join(checkout, "agent-state", "registry.jsonl"))).toBe(true);
    expect(git(bare, "show", "--name-only", "--format=", "agent/work").split("\n")).toEqual(["agent-note.txt"]);
  });

  it("reads a detached run after it exited: status, logs, events, and a send --wait whose message ran", async () => {
    const { dir, bare, stateHome } = setting("detached");
    const gate = join(dir, "gate");
    const env = {
      XDG_STATE_HOME: stateHome,
      AGENT_COMMAND: `while [ ! -e ${gate} ]; do sleep 0.05; done; echo "answer to: $1" > "answer-$$.txt"; echo "answer to: $1"`,
    };
    const run = await cli(
      [
        "run",
        "-p",
        "first",
        "--driver",
        "process",
        "--agent",
        "command",
        "--repo",
        bare,
        "--branch",
        "main",
        "--push-branch",
        "agent/detached",
      ],
      { cwd: dir, env },
    );
    expect(run.code, run.stderr).toBe(0);
    const name = run.stdout.trim();
    const events = start(["events", name, "-f"], { cwd: dir, env });
    const logs = start(["logs", name, "-f"], { cwd: dir, env });
    const send = start(["send", name, "second", "--wait"], { cwd: dir, env });
    await send.saidOnStderr("waiting for");
    // The first message was held until now: the second is queued behind it, and the container exits after both.
    writeFileSync(gate, "");

    const sent = await send.done;
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toBe("answer to: second\n");
    const followedEvents = await events.done;
    expect(followedEvents.code, followedEvents.stderr).toBe(0);
    expect(followedEvents.stdout).toContain("answer to: first");
    expect(followedEvents.stdout.trimEnd().endsWith("· stopped")).toBe(true);
    const followedLogs = await logs.done;
    expect(followedLogs.code, followedLogs.stderr).toBe(0);

    const readLogs = await cli(["logs", name], { cwd: dir, env });
    expect(readLogs.code, readLogs.stderr).toBe(0);
    expect(followedLogs.stdout).toBe(readLogs.stdout);
    const readEvents = await cli(["events", name], { cwd: dir, env });
    expect(readEvents.code).toBe(0);
    expect(readEvents.stdout).toBe(followedEvents.stdout);

    const status = await cli(["status", name], { cwd: dir, env });
    expect(status.code, status.stderr).toBe(0);
    const revision = git(bare, "rev-parse", "agent/detached");
    expect(status.stdout).toContain(`${name}  stopped`);
    expect(status.stdout).toContain(`revision ${revision}  pushed to agent/detached`);
    expect(status.stdout).toMatch(/last message msg_\S+ done: answer to: second/);
    const json = JSON.parse((await cli(["status", name, "--json"], { cwd: dir, env })).stdout) as Record<
      string,
      unknown
    >;
    expect(json).toMatchObject({ state: "stopped", source: "journal", revision, pushed: true, stoppedCleanly: true });
    expect(json.lastMessage).toMatchObject({ status: "done", result: "answer to: second" });

    const late = await cli(["send", name, "third", "--wait"], { cwd: dir, env });
    expect(late.code).toBe(5);
    expect(late.stderr).toContain("has stopped and takes no more prompts");
    expect(late.stderr).toContain("done: answer to: second");

    // Stopping what already exited reads how its work ended instead of guessing.
    const stop = await cli(["stop", name], { cwd: dir, env });
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toBe(`stopped ${name} (it had already exited); pushed ${revision} to agent/detached\n`);
  });

  it("ends a followed log of a runtime killed outright, with what its journal holds, and says it did not finish its stop", async () => {
    const { dir, stateHome } = setting("killed");
    const gate = join(dir, "gate");
    const env = {
      XDG_STATE_HOME: stateHome,
      AGENT_COMMAND: `echo "working on $1"; while [ ! -e ${gate} ]; do sleep 0.05; done`,
    };
    const run = await cli(["run", "-p", "forever", "--driver", "process", "--agent", "command"], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    const name = run.stdout.trim();
    const logs = start(["logs", name, "-f"], { cwd: dir, env });
    const [entry] = JSON.parse((await cli(["ls", "--json"], { cwd: dir, env })).stdout) as { pid: number }[];
    // No stop, no end of stream: the runtime and its agent are gone at once.
    signalGroup(entry!.pid, "SIGKILL");

    const followed = await logs.done;
    expect(followed.code, followed.stderr).toBe(0);
    expect(followed.stdout).toBe((await cli(["logs", name], { cwd: dir, env })).stdout);
    const status = await cli(["status", name], { cwd: dir, env });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`${name}  stopped  (process)  (it did not finish its stop)`);
    // The agent had its own process group: let it end too.
    writeFileSync(gate, "");
  });

  it("prunes what stopped containers left and nothing of running ones; a failed start leaves nothing", async () => {
    const { dir, stateHome } = setting("prune");
    const gate = join(dir, "gate");
    const env = { XDG_STATE_HOME: stateHome, AGENT_COMMAND: `while [ ! -e ${gate} ]; do sleep 0.05; done; echo done` };
    const containers = join(stateHome, "app-building", "containers");
    const runOne = async () => {
      const run = await cli(["run", "-p", "go", "--driver", "process", "--agent", "command"], { cwd: dir, env });
      expect(run.code, run.stderr).toBe(0);
      return run.stdout.trim();
    };
    const finished = await runOne();
    writeFileSync(gate, "");
    expect((await cli(["events", finished, "-f"], { cwd: dir, env })).code).toBe(0);
    await rm(gate);
    const running = await runOne();

    const dry = await cli(["prune", "--dry-run"], { cwd: dir, env });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe(`would remove ${join(containers, finished)}\nwould forget ${finished}\n`);
    expect(readdirSync(containers).sort()).toEqual([finished, running].sort());

    const pruned = await cli(["prune"], { cwd: dir, env });
    expect(pruned.code, pruned.stderr).toBe(0);
    expect(pruned.stdout).toBe(`removed ${join(containers, finished)}\nforgot ${finished}\n`);
    expect(readdirSync(containers)).toEqual([running]);
    const listed = JSON.parse((await cli(["ls", "--all", "--json"], { cwd: dir, env })).stdout) as {
      containerName: string;
    }[];
    expect(listed.map((entry) => entry.containerName)).toEqual([running]);

    writeFileSync(gate, "");
    expect((await cli(["events", running, "-f"], { cwd: dir, env })).code).toBe(0);
    // AGENT=command without AGENT_COMMAND: the runtime refuses its environment and the start fails.
    const failed = await cli(["run", "-p", "go", "--driver", "process", "--agent", "command"], {
      cwd: dir,
      env: { XDG_STATE_HOME: stateHome },
    });
    expect(failed.code).toBe(8);
    expect(readdirSync(containers)).toEqual([running]);
  });

  it("still reads a registry an older CLI left in the current directory, leaving it where it is", async () => {
    const { dir, stateHome } = setting("legacy");
    const old = {
      type: "local",
      driver: "process",
      containerName: "app-building-0123456789",
      baseUrl: "http://127.0.0.1:9",
      token: "old-token",
      startedAt: "2026-01-01T00:00:00.000Z",
      stoppedAt: "2026-01-01T01:00:00.000Z",
    };
    writeFileSync(join(dir, ".container-registry.jsonl"), `${JSON.stringify(old)}\n`);
    const env = { XDG_STATE_HOME: stateHome, AGENT_COMMAND: "echo fine" };
    const run = await cli(["run", "-p", "go", "--driver", "process", "--agent", "command"], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    const listed = await cli(["ls", "--all", "--json"], { cwd: dir, env });
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { containerName: string }[]).map((e) => e.containerName)).toEqual([
      run.stdout.trim(),
      old.containerName,
    ]);
    // The new container is recorded in the state folder; the old file is only read.
    expect(readFileSync(join(stateHome, "app-building", "registry.jsonl"), "utf8")).toContain(run.stdout.trim());
    expect(readFileSync(join(dir, ".container-registry.jsonl"), "utf8")).not.toContain(run.stdout.trim());
  });
});
