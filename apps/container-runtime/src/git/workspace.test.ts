import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { filesOnBranch, git, seedBareRepo } from "@app-building/testkit";
import { describe, expect, it } from "vitest";
import { GitWorkspace, type GitWorkspaceOptions } from "./workspace.js";

function temp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

function options(overrides: Partial<GitWorkspaceOptions>): GitWorkspaceOptions & { lines: string[] } {
  const lines: string[] = [];
  return {
    dir: temp("git-ws"),
    repoUrl: undefined,
    cloneBranch: undefined,
    pushBranch: "agent/test",
    authorName: "Agent",
    authorEmail: "agent@example.invalid",
    token: undefined,
    pushAttempts: 1,
    retryBaseMs: 10,
    log: (line) => lines.push(line),
    lines,
    ...overrides,
  };
}

describe("GitWorkspace", () => {
  it("starts an empty repository on the push branch when there is no remote, and commits only real changes", async () => {
    const o = options({});
    const ws = new GitWorkspace(o);
    await ws.prepare();
    expect(ws.revision).toBeNull();
    expect(await ws.commitAll("nothing")).toBeNull();
    execFileSync("sh", ["-c", "echo hi > a.txt"], { cwd: o.dir });
    const revision = await ws.commitAll("message m1: add a.txt");
    expect(revision).toMatch(/^[0-9a-f]{40}$/);
    expect(
      execFileSync("git", ["log", "--format=%an <%ae> %s", "agent/test"], { cwd: o.dir, encoding: "utf8" }).trim(),
    ).toBe("Agent <agent@example.invalid> message m1: add a.txt");
    expect(await ws.push()).toMatchObject({ pushed: false, attempts: 0 });
  });

  it("refuses to clone into a folder that already holds other files", async () => {
    const o = options({ repoUrl: "/nonexistent/repo.git" });
    execFileSync("sh", ["-c", "echo keep > notes.txt"], { cwd: o.dir });
    await expect(new GitWorkspace(o).prepare()).rejects.toThrow(/is not empty and not a git checkout/);
  });

  it("hands GIT_TOKEN to git through the credential helper, never in a URL, a config file or a log", async () => {
    const token = "ghp_credential-helper-token-123";
    const authorizations: string[] = [];
    const server = createServer((req, res) => {
      authorizations.push(req.headers.authorization ?? "");
      res.writeHead(401, { "www-authenticate": 'Basic realm="git"' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/org/app.git`;
    const o = options({ repoUrl: url, token });
    let failure = "";
    try {
      await new GitWorkspace(o).prepare().catch((error: unknown) => {
        failure = error instanceof Error ? error.message : String(error);
      });
    } finally {
      server.close();
    }
    const basic = `Basic ${Buffer.from(`x-access-token:${token}`).toString("base64")}`;
    expect(authorizations).toContain(basic);
    expect(failure).toMatch(/git clone failed/);
    expect(failure + o.lines.join("\n")).not.toContain(token);
    for (const entry of readdirSync(o.dir)) {
      expect(entry).not.toContain(token);
    }
    expect(() => readFileSync(join(o.dir, ".git", "config"), "utf8")).toThrow();
  });

  it("merges the remote branch when it refuses the push, and pushes both sides' work", async () => {
    const bare = seedBareRepo(temp("git-remote"));
    const o = options({ repoUrl: bare });
    const ws = new GitWorkspace(o);
    await ws.prepare();
    writeFileSync(join(o.dir, "agent.txt"), "agent\n");
    await ws.commitAll("agent's change");
    expect(await ws.push()).toMatchObject({ pushed: true, attempts: 1 });

    pushAsSomeoneElse(bare, "human.txt", "a person's change\n");
    writeFileSync(join(o.dir, "agent-2.txt"), "agent again\n");
    await ws.commitAll("agent's second change");
    const outcome = await ws.push();
    expect(outcome).toMatchObject({ pushed: true, attempts: 1, error: null });
    expect(filesOnBranch(bare, "agent/test")).toEqual(["README.md", "agent-2.txt", "agent.txt", "human.txt"]);
    expect(outcome.revision).toBe(git(bare, "rev-parse", "agent/test"));
    expect(ws.revision).toBe(outcome.revision);
  });

  it("reports a push whose merge conflicts as failed, keeping the agent's commit and no merge in progress", async () => {
    const bare = seedBareRepo(temp("git-remote"));
    const o = options({ repoUrl: bare, pushAttempts: 2 });
    const ws = new GitWorkspace(o);
    await ws.prepare();
    writeFileSync(join(o.dir, "notes.txt"), "agent\n");
    await ws.commitAll("agent's notes");
    await ws.push();

    pushAsSomeoneElse(bare, "notes.txt", "a person\n");
    writeFileSync(join(o.dir, "notes.txt"), "agent, again\n");
    const revision = await ws.commitAll("agent's notes again");
    const outcome = await ws.push();
    expect(outcome).toMatchObject({ pushed: false, attempts: 2, revision });
    expect(outcome.error).toMatch(/conflicts with the agent's commits/);
    expect(git(o.dir, "rev-parse", "HEAD")).toBe(revision);
    expect(existsSync(join(o.dir, ".git", "MERGE_HEAD"))).toBe(false);
    expect(git(bare, "show", "agent/test:notes.txt")).toBe("a person");
  });
});

/** Another writer moves the push branch: clones it, commits one file, pushes. */
function pushAsSomeoneElse(bare: string, file: string, content: string): void {
  const other = temp("git-other");
  git(other, "clone", "-q", "--branch", "agent/test", bare, ".");
  writeFileSync(join(other, file), content);
  git(other, "add", file);
  git(other, "commit", "-q", "-m", `someone else's ${file}`);
  git(other, "push", "-q", "origin", "agent/test");
}

describe("GitWorkspace's commits", () => {
  it("hold the agent's files and none of the runtime's own: data folder, output, registries, journals, nested checkouts", async () => {
    const dir = temp("git-own");
    const dataDir = join(dir, "state", "data");
    const o = options({ dir, ownPaths: [dataDir, join(dir, "runtime.out")] });
    const ws = new GitWorkspace(o);
    await ws.prepare();
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, "journal.bin"), "journal");
    writeFileSync(join(dir, "runtime.out"), '{"ready":true}\n');
    writeFileSync(join(dir, ".container-registry.jsonl"), '{"token":"secret"}\n');
    writeFileSync(join(dir, "runtime.sqlite-wal"), "wal");
    mkdirSync(join(dir, "sub"));
    writeFileSync(join(dir, "sub", "runtime.sqlite"), "db");
    const other = join(dir, ".app-building", "containers", "c1", "workspace");
    mkdirSync(other, { recursive: true });
    writeFileSync(join(other, "x.txt"), "x");
    const nested = join(dir, "vendor", "lib");
    mkdirSync(nested, { recursive: true });
    execFileSync("git", ["init", "-q", nested]);
    execFileSync("git", ["-c", "user.name=a", "-c", "user.email=a@b.c", "commit", "-q", "--allow-empty", "-m", "x"], {
      cwd: nested,
    });
    writeFileSync(join(dir, "README.md"), "the agent's work\n");

    const revision = await ws.commitAll("message m1");

    expect(revision).toMatch(/^[0-9a-f]{40}$/);
    const files = execFileSync("git", ["show", "--name-only", "--format=", "HEAD"], { cwd: dir, encoding: "utf8" });
    expect(files.trim().split("\n")).toEqual(["README.md"]);
    expect(o.lines.join("\n")).toContain("left the nested git repositories out of the commit: vendor/lib");
  });

  it("commit nothing when only the runtime's own files changed", async () => {
    const dir = temp("git-own-only");
    const o = options({ dir, ownPaths: [join(dir, "data")] });
    const ws = new GitWorkspace(o);
    await ws.prepare();
    mkdirSync(join(dir, "data"));
    writeFileSync(join(dir, "data", "runtime.sqlite"), "db");
    writeFileSync(join(dir, ".container-registry.jsonl"), "{}\n");
    expect(await ws.commitAll("message m2")).toBeNull();
  });
});
