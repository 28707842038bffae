import { isAbsolute, relative, sep } from "node:path";

/**
 * Names the SDK and the runtime give their own files, left out of every commit wherever
 * they appear in a workspace: the CLI's registry (and its lock), the folder older SDKs kept
 * their containers in, and the runtime's SQLite journal with its WAL files.
 */
const STATE_NAMES: readonly string[] = [
  ".container-registry.jsonl",
  ".container-registry.jsonl.lock",
  ".app-building",
  "runtime.sqlite",
  "runtime.sqlite-wal",
  "runtime.sqlite-shm",
  "runtime.sqlite-journal",
];

/**
 * The pathspec `git add -A` takes so that a commit holds the agent's work and none of the
 * runtime's own files: the whole tree (`:/`), minus every {@link STATE_NAMES} entry at any
 * depth, minus each of `ownPaths` (absolute: the data folder, the runtime's output files)
 * that lies inside `workspaceDir`. Paths outside the workspace need no exclusion (and git
 * would refuse a pathspec outside the repository).
 */
export function commitPathspec(workspaceDir: string, ownPaths: readonly string[]): string[] {
  const specs = [":/"];
  for (const name of STATE_NAMES) {
    specs.push(`:(exclude,glob,top)**/${name}`, `:(exclude,glob,top)**/${name}/**`);
  }
  for (const path of ownPaths) {
    const inside = relative(workspaceDir, path);
    if (inside === "" || inside === ".." || inside.startsWith(`..${sep}`) || isAbsolute(inside)) continue;
    specs.push(`:(exclude,literal)${inside.split(sep).join("/")}`);
  }
  return specs;
}

/** The nested repositories `git add` reported adding as gitlinks (`warning: adding embedded git repository: X`). */
export function embeddedRepositories(addStderr: string): string[] {
  const found: string[] = [];
  for (const line of addStderr.split("\n")) {
    const match = /^warning: adding embedded git repository: (.+)$/.exec(line.trimEnd());
    if (match?.[1] !== undefined) found.push(match[1]);
  }
  return found;
}
