import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { run } from "@app-building/types/process";
import { ConfigurationError, SDK_ERROR_CODES } from "../errors.js";
import type { ContainerConfig, DriverName, RepoOptions } from "../state.js";

/** An existing directory a container works in (`ContainerConfig.workspaceDir`), checked. */
export interface ExistingWorkspace {
  /** Its absolute path. */
  dir: string;
  /** The git settings to start with: `pushBranch` defaults to the checkout's current branch. */
  repo: RepoOptions;
}

/**
 * Resolves `config.workspaceDir` to an absolute path and checks it is a directory; `null`
 * when the option is not set. When the caller names no repository and no push branch and
 * the directory is the root of a git checkout on a branch, the push branch is that branch, so the
 * runtime keeps working on it instead of switching the checkout to `agent/<name>`.
 *
 * @throws {ConfigurationError} for a driver other than `allowed`, or a directory that is
 *   not there.
 */
export async function existingWorkspace(
  config: ContainerConfig,
  repo: RepoOptions,
  driver: DriverName,
  allowed: readonly DriverName[],
): Promise<ExistingWorkspace | null> {
  if (config.workspaceDir === undefined) return null;
  if (!allowed.includes(driver)) {
    throw new ConfigurationError(
      `workspaceDir is not supported by the ${driver} driver: use the ${allowed.join(" or ")} driver, or leave workspaceDir unset.`,
      SDK_ERROR_CODES.workspaceUnsupported,
    );
  }
  if (config.workspaceDir.trim() === "") {
    throw new ConfigurationError("workspaceDir is empty: name an existing directory, or leave it unset.");
  }
  const dir = resolve(config.workspaceDir);
  const info = await stat(dir).catch(() => null);
  if (info === null || !info.isDirectory()) {
    throw new ConfigurationError(
      `workspaceDir ${dir} ${info === null ? "does not exist" : "is not a directory"}: create it or point workspaceDir at an existing directory.`,
      SDK_ERROR_CODES.workspaceMissing,
    );
  }
  // Only a checkout's own root counts, as in the runtime: a subdirectory of one gets a repository of its own.
  if (repo.repoUrl !== "" || repo.pushBranch !== "" || !existsSync(join(dir, ".git"))) return { dir, repo };
  // Reading the branch name is harmless even in a checkout another user owns (the docker case).
  const branch = await run("git", ["-c", `safe.directory=${dir}`, "symbolic-ref", "--short", "-q", "HEAD"], {
    cwd: dir,
  });
  const current = branch.exitCode === 0 ? branch.stdout.trim() : "";
  return { dir, repo: current === "" ? repo : { ...repo, pushBranch: current } };
}
