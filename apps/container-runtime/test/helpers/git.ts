import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./runtime-process.js";

/** Runs git and returns its trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.invalid", ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/** A real bare repository with one commit (`README.md`) on `main`; returns its path. */
export function bareRepo(): string {
  const root = tempDir("remote");
  const bare = join(root, "origin.git");
  const seed = join(root, "seed");
  mkdirSync(seed);
  git(root, "init", "-q", "--bare", "-b", "main", bare);
  git(seed, "init", "-q", "-b", "main");
  writeFileSync(join(seed, "README.md"), "# app\n");
  git(seed, "add", "README.md");
  git(seed, "commit", "-q", "-m", "seed");
  git(seed, "push", "-q", bare, "main");
  return bare;
}

/** The files of a branch of a bare repository, or null when the branch does not exist. */
export function filesOnBranch(bare: string, branch: string): string[] | null {
  try {
    return git(bare, "ls-tree", "-r", "--name-only", branch).split("\n").filter(Boolean).sort();
  } catch {
    return null;
  }
}

/** One line per commit (subject) on a branch of a repository. */
export function subjects(repo: string, ref: string): string[] {
  return git(repo, "log", "--format=%s", ref).split("\n").filter(Boolean);
}
