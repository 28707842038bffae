import { existsSync } from "node:fs";
import { cp, copyFile, lstat, mkdir, mkdtemp, readlink, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { run } from "./exec.js";
import { repoRoot } from "./paths.js";

/** A writable copy of this checkout; `cleanup()` deletes it. */
export interface WorkspaceCopy {
  /** The copy's root: a git repository with one commit and its dependencies installed. */
  readonly dir: string;
  cleanup(): Promise<void>;
}

const PREFIX = "app-building-e2e-workspace-";

export interface CopyWorkspaceOptions {
  /**
   * Copy the files of this commit (e.g. "HEAD") instead of the working tree: a stable
   * source while others edit the checkout. Default: the working tree as it is on disk.
   */
  ref?: string;
}

/** Copies one file of the working tree, keeping symlinks as symlinks and the mode bits. */
async function copyEntry(from: string, to: string): Promise<void> {
  const stat = await lstat(from).catch(() => null);
  if (stat === null || stat.isDirectory()) return; // deleted in the working tree, or a submodule
  await mkdir(dirname(to), { recursive: true });
  if (stat.isSymbolicLink()) await symlink(await readlink(from), to);
  else await copyFile(from, to);
}

/**
 * Copies this checkout's working tree (tracked files and untracked ones that are not
 * ignored, as they are on disk now; or the files of `options.ref`) into a temp dir,
 * commits it there as a fresh git repository, copies turbo's local cache so builds hit
 * it, and installs the dependencies from pnpm's store (`pnpm install --frozen-lockfile
 * --offline`).
 *
 * For suites that let the platform write into a checkout (builds, deploys, data) without
 * touching the one they run from.
 *
 * @example
 * const workspace = await copyWorkspace();
 * try {
 *   // mount workspace.dir into a container, run a build in it, ...
 * } finally {
 *   await workspace.cleanup();
 * }
 */
export async function copyWorkspace(options: CopyWorkspaceOptions = {}): Promise<WorkspaceCopy> {
  const dir = await mkdtemp(join(tmpdir(), PREFIX));
  const cleanup = async (): Promise<void> => {
    if (!dir.startsWith(join(tmpdir(), PREFIX))) return;
    // Suites run as root; a container may still have written files another user owns.
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  };
  try {
    if (options.ref === undefined) {
      const listing = await run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
        cwd: repoRoot,
      });
      const files = [...new Set(listing.split("\0").filter((path) => path !== ""))];
      for (const path of files) await copyEntry(join(repoRoot, path), join(dir, path));
    } else {
      const archive = join(dir, ".workspace.tar");
      await run("git", ["archive", "--format=tar", `--output=${archive}`, options.ref], { cwd: repoRoot });
      await run("tar", ["-x", "-f", archive, "-C", dir]);
      await rm(archive);
    }

    const turboCache = join(repoRoot, ".turbo", "cache");
    if (existsSync(turboCache)) await cp(turboCache, join(dir, ".turbo", "cache"), { recursive: true });

    const git = (...args: string[]) =>
      run(
        "git",
        ["-c", "user.name=e2e", "-c", "user.email=e2e@app-building.local", "-c", "commit.gpgsign=false", ...args],
        {
          cwd: dir,
        },
      );
    await git("init", "--quiet", "--initial-branch=main");
    await git("add", "--all");
    await git("commit", "--quiet", "--no-verify", "-m", "A copy of the working tree for an end-to-end suite");

    // The repository's own pnpm (installed under .tools/ by `npm run setup`) comes first.
    const tools = join(repoRoot, ".tools", "bin");
    const env = { ...process.env, PATH: `${tools}${delimiter}${process.env.PATH ?? ""}` };
    await run("pnpm", ["install", "--frozen-lockfile", "--offline", "--reporter=append-only"], { cwd: dir, env });
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { dir, cleanup };
}
