import { createHash } from "node:crypto";
import { copyFile, lstat, mkdir, readdir, readlink, symlink, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { addToDigest, forEachSource, git, SnapshotError, sourcePaths } from "./sources.js";

export { SnapshotError } from "./sources.js";

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
 * rather than those of a repository around it.
 *
 * @returns how many source files were copied, and their digest (see `digestSources`).
 * @throws {SnapshotError}
 */
export async function snapshotWorkspace(options: {
  workspaceDir: string;
  releaseDir: string;
  env: Record<string, string | undefined>;
}): Promise<{ files: number; digest: string }> {
  const { workspaceDir, releaseDir, env } = options;
  const packageDirs = new Set<string>();
  const made = new Set<string>();
  const hash = createHash("sha256");
  let copied = 0;
  await forEachSource(workspaceDir, await sourcePaths(workspaceDir, env), async (entry) => {
    const to = join(releaseDir, entry.path);
    const parent = dirname(to);
    if (!made.has(parent)) {
      await mkdir(parent, { recursive: true });
      made.add(parent);
    }
    // What is written is what was hashed: the digest names exactly the release's sources.
    if (entry.kind === "symlink") await symlink(entry.target, to);
    else await writeFile(to, entry.data, { mode: entry.mode });
    addToDigest(hash, entry);
    copied += 1;
    if (entry.path === "package.json" || entry.path.endsWith("/package.json"))
      packageDirs.add(dirname(entry.path) === "." ? "" : dirname(entry.path));
  });
  await linkDependencies(workspaceDir, releaseDir, [...packageDirs]);
  await git(releaseDir, ["init", "-q", "."], env);
  await git(releaseDir, ["add", "-A"], env);
  return { files: copied, digest: hash.digest("hex") };
}
