import { execa } from "execa";
import { copyFile, lstat, mkdir, readdir, readlink, symlink } from "node:fs/promises";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

/** A snapshot that could not be taken (git failed, a file could not be copied). */
export class SnapshotError extends Error {
  override readonly name = "SnapshotError";
}

const GIT_ENV = { GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0" };

/**
 * The files a build sees: tracked, plus untracked ones git does not ignore, as they are
 * on disk now (a tracked file deleted in the working tree is left out). No
 * `node_modules`, no `dist`: both are ignored.
 */
async function sourceFiles(workspaceDir: string, env: Record<string, string | undefined>): Promise<string[]> {
  const result = await execa("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: workspaceDir,
    env: { ...env, ...GIT_ENV },
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
  });
  if (result.exitCode !== 0) {
    throw new SnapshotError(`git ls-files failed in ${workspaceDir}: ${result.stderr || result.shortMessage}`);
  }
  return [...new Set(result.stdout.split("\0").filter((path) => path !== ""))];
}

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
 * links its dependencies, and makes it a git repository of its own (no commits), so
 * turbo hashes the release's files rather than those of a repository around it.
 *
 * @returns how many source files were copied.
 * @throws {SnapshotError}
 */
export async function snapshotWorkspace(options: {
  workspaceDir: string;
  releaseDir: string;
  env: Record<string, string | undefined>;
}): Promise<{ files: number }> {
  const { workspaceDir, releaseDir, env } = options;
  const files = await sourceFiles(workspaceDir, env);
  const packageDirs = new Set<string>();
  const made = new Set<string>();
  let copied = 0;
  for (const path of files) {
    const from = join(workspaceDir, path);
    const stat = await lstat(from).catch(() => null);
    if (stat === null || stat.isDirectory()) continue; // deleted in the working tree, or a submodule
    const to = join(releaseDir, path);
    const parent = dirname(to);
    if (!made.has(parent)) {
      await mkdir(parent, { recursive: true });
      made.add(parent);
    }
    if (stat.isSymbolicLink()) await symlink(await readlink(from), to);
    else await copyFile(from, to);
    copied += 1;
    if (path === "package.json" || path.endsWith("/package.json"))
      packageDirs.add(dirname(path) === "." ? "" : dirname(path));
  }
  await linkDependencies(workspaceDir, releaseDir, [...packageDirs]);
  const init = await execa("git", ["init", "-q", "."], {
    cwd: releaseDir,
    env: { ...env, ...GIT_ENV },
    extendEnv: false,
    reject: false,
  });
  if (init.exitCode !== 0)
    throw new SnapshotError(`git init failed in ${releaseDir}: ${init.stderr || init.shortMessage}`);
  return { files: copied };
}
