import { createHash, type Hash } from "node:crypto";
import { lstat, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { run } from "@app-building/types/process";

/** A snapshot that could not be taken (git failed, a file could not be copied). */
export class SnapshotError extends Error {
  override readonly name = "SnapshotError";
}

const GIT_ENV = { GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0" };

/** Runs git in `cwd` with no terminal prompts; throws a {@link SnapshotError} when it fails. */
export async function git(cwd: string, args: string[], env: Record<string, string | undefined>): Promise<string> {
  const result = await run("git", args, { cwd, env: { ...env, ...GIT_ENV } });
  if (result.failure !== undefined) {
    throw new SnapshotError(`git ${args[0]} failed in ${cwd} (${result.failure}): ${result.stderr}`);
  }
  return result.stdout;
}

/**
 * The files a build sees: tracked, plus untracked ones git does not ignore. No
 * `node_modules`, no `dist`: both are ignored. Sorted, so a digest over them is stable.
 */
export async function sourcePaths(workspaceDir: string, env: Record<string, string | undefined>): Promise<string[]> {
  const listed = await git(workspaceDir, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], env);
  return [...new Set(listed.split("\0").filter((path) => path !== ""))].sort();
}

/** One source as it is on disk now: a file's bytes and executable bit, or a link's target. */
export type SourceEntry =
  | { path: string; kind: "file"; data: Buffer; mode: number }
  | { path: string; kind: "symlink"; target: string };

/**
 * Reads one source, or null when it is gone (deleted in the working tree) or a
 * directory (a submodule).
 */
export async function readSource(workspaceDir: string, path: string): Promise<SourceEntry | null> {
  const from = join(workspaceDir, path);
  const stat = await lstat(from).catch(() => null);
  if (stat === null || stat.isDirectory()) return null;
  if (stat.isSymbolicLink()) return { path, kind: "symlink", target: await readlink(from) };
  if (!stat.isFile()) return null;
  return { path, kind: "file", data: await readFile(from), mode: stat.mode & 0o777 };
}

/** Adds one source to a digest: its path, kind, executable bit and content. */
export function addToDigest(hash: Hash, entry: SourceEntry): void {
  hash.update(entry.path);
  if (entry.kind === "symlink") hash.update(`\0l\0${entry.target}\0`);
  else {
    hash.update((entry.mode & 0o111) !== 0 ? "\0x\0" : "\0f\0");
    hash.update(createHash("sha1").update(entry.data).digest());
  }
}

/**
 * Reads `paths` of the workspace a few at a time, in order, handing each to `each`.
 * Files are read one batch at a time, so a large workspace is never held in memory.
 */
export async function forEachSource(
  workspaceDir: string,
  paths: readonly string[],
  each: (entry: SourceEntry) => Promise<void> | void,
  batch = 64,
): Promise<void> {
  for (let start = 0; start < paths.length; start += batch) {
    const entries = await Promise.all(paths.slice(start, start + batch).map((path) => readSource(workspaceDir, path)));
    for (const entry of entries) if (entry !== null) await each(entry);
  }
}

/** The workspace's sources as read once: their digest, and the entries when they were kept. */
export interface ReadSources {
  digest: string;
  /** What was read, to write a snapshot from; null when larger than the limit it was read with. */
  entries: SourceEntry[] | null;
}

/**
 * Reads the workspace's sources once: their digest (equal for two workspaces exactly when
 * a build would see the same files with the same content) and, up to `keepBytes` of
 * file content, the entries themselves, so a snapshot can be written from this very read.
 */
export async function readSources(
  workspaceDir: string,
  env: Record<string, string | undefined>,
  keepBytes = 64 * 1024 * 1024,
): Promise<ReadSources> {
  const hash = createHash("sha256");
  let entries: SourceEntry[] | null = [];
  let bytes = 0;
  await forEachSource(workspaceDir, await sourcePaths(workspaceDir, env), (entry) => {
    addToDigest(hash, entry);
    if (entries === null) return;
    bytes += entry.kind === "file" ? entry.data.length : entry.target.length;
    if (bytes > keepBytes) entries = null;
    else entries.push(entry);
  });
  return { digest: hash.digest("hex"), entries };
}
