import { createHash } from "node:crypto";
import { copyFile, lstat, mkdir, readdir, readlink, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { addToDigest, forEachSource, git, SnapshotError, sourcePaths, type SourceEntry } from "./sources.js";

export { SnapshotError } from "./sources.js";

/** How many sources a snapshot writes at once. */
const WRITE_BATCH = 64;

/** Copies one entry: symlinks as symlinks, directories recursively, files as files. */
async function copyTree(from: string, to: string): Promise<void> {
  const stat = await lstat(from);
  if (stat.isSymbolicLink()) {
    await symlink(await readlink(from), to);
  } else if (stat.isDirectory()) {
    await mkdir(to, { recursive: true });
    for (const name of await readdir(from)) await copyTree(join(from, name), join(to, name));
  } else if (stat.isFile()) {
    await copyFile(from, to);
  }
}

/**
 * Gives the release the workspace's installed dependencies without copying them: the
 * root `node_modules/.pnpm` (the packages themselves) is one link to the workspace's;
 * every other entry of each `node_modules` (pnpm's relative symlinks, `.bin` scripts) is
 * copied as it is. pnpm's links between workspace packages are relative, so inside a
 * release `@app-building/types` resolves to the release's own `packages/types`.
 */
async function linkDependencies(
  workspaceDir: string,
  releaseDir: string,
  packageDirs: readonly string[],
): Promise<void> {
  const rootModules = join(workspaceDir, "node_modules");
  if (!existsSync(rootModules)) throw new SnapshotError(`${rootModules} is missing: install the workspace first`);
  await mkdir(join(releaseDir, "node_modules"));
  for (const name of await readdir(rootModules)) {
    const from = join(rootModules, name);
    const to = join(releaseDir, "node_modules", name);
    if (name === ".pnpm") await symlink(from, to);
    else await copyTree(from, to);
  }
  for (const dir of packageDirs) {
    if (dir === "") continue;
    const from = join(workspaceDir, dir, "node_modules");
    if (existsSync(from)) await copyTree(from, join(releaseDir, dir, "node_modules"));
  }
}

/**
 * Copies the workspace's sources as they are now into `releaseDir` (empty, existing),
 * links its dependencies, and makes it a git repository of its own with every source
 * staged (no commits), so turbo hashes the release's files through git's index, fast,
 * rather than those of a repository around it. With `objectStore`, the staged blobs go
 * to that object directory shared by every release (the release's repository borrows it
 * as an alternate), so a file unchanged since an earlier release is not written again.
 *
 * @returns how many source files were copied, and their digest (the one `readSources` gives;
 *   the one it gave, when the sources come from it).
 * @throws {SnapshotError}
 */
export async function snapshotWorkspace(options: {
  workspaceDir: string;
  releaseDir: string;
  env: Record<string, string | undefined>;
  /** A git object directory shared by releases (see `ReleaseStore.objectStore`). */
  objectStore?: string;
  /**
   * The sources as already read and digested (`readSources`): written as they were, and
   * named by that digest, neither read nor hashed again.
   */
  sources?: { entries: readonly SourceEntry[]; digest: string };
}): Promise<{ files: number; digest: string }> {
  const { workspaceDir, releaseDir, env, objectStore } = options;
  const packageDirs = new Set<string>();
  const made = new Set<string>();
  let copied = 0;
  // Writes a batch at once (the file system works on several files in parallel).
  const writeBatch = async (entries: readonly SourceEntry[]): Promise<void> => {
    const parents = [...new Set(entries.map((entry) => dirname(join(releaseDir, entry.path))))];
    await Promise.all(
      parents
        .filter((parent) => !made.has(parent))
        .map(async (parent) => {
          await mkdir(parent, { recursive: true });
          made.add(parent);
        }),
    );
    await Promise.all(
      entries.map((entry) => {
        const to = join(releaseDir, entry.path);
        return entry.kind === "symlink" ? symlink(entry.target, to) : writeFile(to, entry.data, { mode: entry.mode });
      }),
    );
    for (const entry of entries) {
      copied += 1;
      if (entry.path === "package.json" || entry.path.endsWith("/package.json"))
        packageDirs.add(dirname(entry.path) === "." ? "" : dirname(entry.path));
    }
  };
  let digest: string;
  if (options.sources !== undefined) {
    const { entries } = options.sources;
    for (let start = 0; start < entries.length; start += WRITE_BATCH)
      await writeBatch(entries.slice(start, start + WRITE_BATCH));
    digest = options.sources.digest;
  } else {
    // Each entry is hashed as it is read, then written: the digest names exactly what the
    // release holds.
    const hash = createHash("sha256");
    const pending: SourceEntry[] = [];
    await forEachSource(workspaceDir, await sourcePaths(workspaceDir, env), async (entry) => {
      addToDigest(hash, entry);
      pending.push(entry);
      if (pending.length >= WRITE_BATCH) await writeBatch(pending.splice(0));
    });
    await writeBatch(pending);
    digest = hash.digest("hex");
  }
  await linkDependencies(workspaceDir, releaseDir, [...packageDirs]);
  await git(releaseDir, ["init", "-q", "."], env);
  if (objectStore === undefined) await git(releaseDir, ["add", "-A"], env);
  else {
    await mkdir(objectStore, { recursive: true });
    await writeFile(join(releaseDir, ".git", "objects", "info", "alternates"), `${objectStore}\n`);
    await git(releaseDir, ["add", "-A"], { ...env, GIT_OBJECT_DIRECTORY: objectStore });
  }
  return { files: copied, digest };
}
