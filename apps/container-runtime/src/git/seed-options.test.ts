import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git, seedBareRepo } from "@app-building/testkit";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../env.js";
import { GitWorkspace, type GitWorkspaceOptions } from "./workspace.js";

function temp(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

function workspace(overrides: Partial<GitWorkspaceOptions>): GitWorkspace & { dir: string } {
  const dir = temp("git-seed-ws");
  const ws = new GitWorkspace({
    dir,
    repoUrl: undefined,
    cloneBranch: undefined,
    pushBranch: "agent/test",
    authorName: "Agent",
    authorEmail: "agent@example.invalid",
    token: undefined,
    pushAttempts: 1,
    retryBaseMs: 10,
    log: () => undefined,
    ...overrides,
  });
  return Object.assign(ws, { dir });
}

/** A bare repository with `main` and a `feature-x` branch holding FEATURE.md. */
function repoWithFeatureBranch(): string {
  const root = temp("git-seed-origin");
  const bare = seedBareRepo(root);
  const other = join(root, "other");
  git(root, "clone", "-q", bare, other);
  git(other, "checkout", "-q", "-b", "feature-x");
  writeFileSync(join(other, "FEATURE.md"), "x\n");
  git(other, "add", "FEATURE.md");
  git(other, "commit", "-q", "-m", "feature");
  git(other, "push", "-q", "origin", "feature-x");
  return bare;
}

describe("CLONE_BRANCH as a comma-separated priority list", () => {
  it("clones the first branch of the list that exists on the remote", async () => {
    const bare = repoWithFeatureBranch();
    const ws = workspace({ repoUrl: bare, cloneBranch: "gone, feature-x ,main" });
    await ws.prepare();
    expect(readFileSync(join(ws.dir, "FEATURE.md"), "utf8")).toBe("x\n");
    expect(ws.revision).toBe(git(bare, "rev-parse", "feature-x"));
  });

  it("falls back to a later branch when the first ones are missing", async () => {
    const bare = repoWithFeatureBranch();
    const ws = workspace({ repoUrl: bare, cloneBranch: "feature-y,main" });
    await ws.prepare();
    expect(ws.revision).toBe(git(bare, "rev-parse", "main"));
  });

  it("fails naming the whole list when no branch of it exists", async () => {
    const bare = repoWithFeatureBranch();
    await expect(workspace({ repoUrl: bare, cloneBranch: "nope,neither" }).prepare()).rejects.toThrow(
      /none of the branches nope, neither/,
    );
  });
});

describe("a workspace without commits (no PUSH_BRANCH from the SDK: NO_COMMIT=1)", () => {
  it("leaves the agent's changes uncommitted and pushes nothing", async () => {
    const bare = repoWithFeatureBranch();
    const ws = workspace({ repoUrl: bare, cloneBranch: "main", commit: false });
    await ws.prepare();
    const before = ws.revision;
    writeFileSync(join(ws.dir, "change.txt"), "agent work\n");
    expect(await ws.commitAll("message m1")).toBeNull();
    expect(ws.revision).toBe(before);
    expect(execFileSync("git", ["status", "--porcelain"], { cwd: ws.dir, encoding: "utf8" })).toContain("change.txt");
    expect(git(bare, "branch", "--list", "agent/test")).toBe("");
  });

  it("reads NO_COMMIT from the environment", () => {
    expect(loadConfig({ NO_COMMIT: "1" }).git.commit).toBe(false);
    expect(loadConfig({}).git.commit).toBe(true);
  });
});
