import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { filesOnBranch, git, seedBareRepo, subjects } from "./git.js";

describe("git fixtures", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("seeds a bare repository a clone can push back to", () => {
    const root = mkdtempSync(join(tmpdir(), "testkit-git-"));
    dirs.push(root);
    const bare = seedBareRepo(root);
    expect(filesOnBranch(bare, "main")).toEqual(["README.md"]);
    expect(filesOnBranch(bare, "agent/work")).toBeNull();
    const clone = join(root, "clone");
    git(root, "clone", "-q", bare, clone);
    git(clone, "commit", "-q", "--allow-empty", "-m", "second");
    git(clone, "push", "-q", "origin", "main");
    expect(subjects(bare, "main")).toEqual(["second", "seed"]);
  });
});
