import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Runs real git with a fixed test identity and returns its trimmed stdout; throws on a non-zero exit. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.invalid", ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/**
 * Makes a real bare repository `<root>/origin.git` whose `main` holds one commit with a
 * `README.md`, the remote an agent container clones and pushes to. Returns its path.
 */
export function seedBareRepo(root: string): string {
  const bare = join(root, "origin.git");
  const seed = join(root, "seed");
  mkdirSync(seed, { recursive: true });
  git(root, "init", "-q", "--bare", "-b", "main", bare);
  git(seed, "init", "-q", "-b", "main");
  writeFileSync(join(seed, "README.md"), "# app\n");
  git(seed, "add", "README.md");
  git(seed, "commit", "-q", "-m", "seed");
  git(seed, "push", "-q", bare, "main");
  return bare;
}

/** The files of a branch of a repository, sorted, or `null` when the branch does not exist. */
export function filesOnBranch(repo: string, branch: string): string[] | null {
  try {
    return git(repo, "ls-tree", "-r", "--name-only", branch).split("\n").filter(Boolean).sort();
  } catch {
    return null;
  }
}

/** The subject of every commit reachable from a ref, newest first. */
export function subjects(repo: string, ref: string): string[] {
  return git(repo, "log", "--format=%s", ref).split("\n").filter(Boolean);
}
