import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { run } from "@app-building/types/process";
import type { Redactor } from "../redact.js";
import { commitPathspec, embeddedRepositories } from "./own-files.js";

/** Options of a {@link GitWorkspace}. */
export interface GitWorkspaceOptions {
  dir: string;
  repoUrl: string | undefined;
  cloneBranch: string | undefined;
  pushBranch: string;
  /** False: the agent works on the checkout, but nothing is ever committed (so nothing is pushed). Default true. */
  commit?: boolean;
  authorName: string;
  authorEmail: string;
  /** Given to git through a credential helper that reads it from the environment: never in a URL, a config file or a log. */
  token: string | undefined;
  pushAttempts: number;
  retryBaseMs: number;
  /** Redacts commit messages (a prompt's first line may carry a secret). */
  redactor?: Redactor;
  /** Where the workspace reports what it does (a runtime log line). */
  log: (line: string) => void;
  /**
   * The runtime's own files and folders (absolute paths: its data folder, its output
   * files): never committed, even when they lie inside the workspace.
   */
  ownPaths?: readonly string[];
}

/** What a push attempt ended with. */
export interface PushOutcome {
  pushed: boolean;
  attempts: number;
  revision: string | null;
  error: string | null;
}

/** A git command failed. */
class GitError extends Error {
  override readonly name = "GitError";
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(`git ${args[0] ?? ""} failed (exit ${exitCode ?? "?"}): ${stderr.trim().split("\n").slice(-3).join(" ")}`);
  }
}

const CREDENTIAL_HELPER = '!f() { echo "username=x-access-token"; echo "password=$GIT_TOKEN"; }; f';

/**
 * The agent's git checkout: clone or init, work on the push branch, commit after each
 * message or task, then push with bounded retries (fetch + merge only when the remote
 * refuses a push that does not fast-forward). A push that keeps
 * failing leaves every commit in place and is retried at the next commit and at stop.
 */
export class GitWorkspace {
  readonly #o: GitWorkspaceOptions;
  #revision: string | null = null;

  constructor(options: GitWorkspaceOptions) {
    this.#o = options;
  }

  /** The checked-out commit, cached (no subprocess per read). */
  get revision(): string | null {
    return this.#revision;
  }

  get pushBranch(): string {
    return this.#o.pushBranch;
  }

  /** Whether pushes go anywhere (a repository URL was given). */
  get hasRemote(): boolean {
    return this.#o.repoUrl !== undefined;
  }

  async #git(
    args: readonly string[],
    options: { reject?: boolean } = {},
  ): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    // LC_ALL=C: git's messages are read (a refused push, an embedded repository), so they must not be translated.
    const env: Record<string, string> = { GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "/bin/false", LC_ALL: "C" };
    const config = ["-c", `user.name=${this.#o.authorName}`, "-c", `user.email=${this.#o.authorEmail}`];
    if (this.#o.token !== undefined) {
      env.GIT_TOKEN = this.#o.token;
      config.push("-c", "credential.helper=", "-c", `credential.helper=${CREDENTIAL_HELPER}`);
    }
    const result = await run("git", [...config, ...args], {
      cwd: existsSync(this.#o.dir) ? this.#o.dir : undefined,
      env: { ...process.env, ...env },
    });
    if (result.exitCode !== 0 && options.reject !== false) {
      throw new GitError(args, result.exitCode ?? undefined, result.stderr || (result.failure ?? ""));
    }
    return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode ?? 1 };
  }

  async #refreshRevision(): Promise<void> {
    const head = await this.#git(["rev-parse", "--verify", "-q", "HEAD"], { reject: false });
    this.#revision = head.exitCode === 0 ? head.stdout.trim() : null;
  }

  async #remoteBranchExists(): Promise<boolean> {
    const result = await this.#git(["ls-remote", "--exit-code", "--heads", "origin", this.#o.pushBranch], {
      reject: false,
    });
    return result.exitCode === 0;
  }

  /**
   * The branch to clone from `CLONE_BRANCH`: a comma-separated list is tried in order and
   * the first branch the remote has wins (one `ls-remote` for the whole list); a single
   * name is used as it is, with no extra round trip.
   */
  async #firstExistingBranch(repoUrl: string, cloneBranch: string): Promise<string> {
    const candidates = cloneBranch
      .split(",")
      .map((name) => name.trim())
      .filter((name) => name !== "");
    if (candidates.length <= 1) return candidates[0] ?? cloneBranch;
    const heads = await this.#git(["ls-remote", "--heads", "--", repoUrl, ...candidates]);
    const present = new Set(heads.stdout.split("\n").map((line) => line.split("\t")[1]?.trim()));
    const found = candidates.find((name) => present.has(`refs/heads/${name}`));
    if (found === undefined) {
      throw new Error(`none of the branches ${candidates.join(", ")} (CLONE_BRANCH) exists on the remote`);
    }
    return found;
  }

  /** Clones (or inits) the workspace and checks out the push branch, creating it if missing. */
  async prepare(): Promise<void> {
    const { dir, repoUrl, cloneBranch, pushBranch } = this.#o;
    mkdirSync(dir, { recursive: true });
    let initialized = false;
    if (!existsSync(join(dir, ".git"))) {
      if (repoUrl !== undefined && readdirSync(dir).length > 0) {
        throw new Error(
          `WORKSPACE_DIR ${dir} is not empty and not a git checkout, so REPO_URL cannot be cloned into it; empty it or point WORKSPACE_DIR elsewhere`,
        );
      }
      if (repoUrl !== undefined) {
        const chosen = cloneBranch === undefined ? undefined : await this.#firstExistingBranch(repoUrl, cloneBranch);
        this.#o.log(`cloning into ${dir}${chosen === undefined ? "" : ` (branch ${chosen})`}`);
        const branch = chosen === undefined ? [] : ["--branch", chosen];
        await this.#git(["clone", ...branch, "--", repoUrl, dir]);
      } else {
        await this.#git(["init", "-q", "-b", pushBranch, dir]);
        initialized = true;
      }
    }
    // A repository `init -b` just made is on the push branch already, with no commits to read.
    if (initialized) this.#revision = null;
    else await this.#checkOutPushBranch();
    this.#o.log(`workspace ready on branch ${pushBranch} at ${this.#revision ?? "(no commits yet)"}`);
  }

  /** Checks out the push branch (the local one, else the remote's, else a new one) and reads the revision. */
  async #checkOutPushBranch(): Promise<void> {
    const { repoUrl, pushBranch } = this.#o;
    const current = (await this.#git(["symbolic-ref", "--short", "-q", "HEAD"], { reject: false })).stdout.trim();
    if (current !== pushBranch) {
      const local = await this.#git(["rev-parse", "--verify", "-q", `refs/heads/${pushBranch}`], { reject: false });
      if (local.exitCode === 0) {
        await this.#git(["checkout", "-q", pushBranch]);
      } else if (repoUrl !== undefined && (await this.#remoteBranchExists())) {
        await this.#git(["fetch", "-q", "origin", `+${pushBranch}:refs/remotes/origin/${pushBranch}`]);
        await this.#git(["checkout", "-q", "-b", pushBranch, `origin/${pushBranch}`]);
      } else {
        await this.#git(["checkout", "-q", "-b", pushBranch]);
      }
    }
    await this.#refreshRevision();
  }

  /**
   * Commits everything in the workspace but the runtime's own files (its data folder and
   * output, registries and journals by name, nested git repositories); returns the new
   * revision, or null when nothing changed (or commits are off).
   */
  async commitAll(message: string): Promise<string | null> {
    if (this.#o.commit === false) return null;
    const added = await this.#git(["add", "-A", "--", ...commitPathspec(this.#o.dir, this.#o.ownPaths ?? [])]);
    const nested = embeddedRepositories(added.stderr);
    if (nested.length > 0) {
      // A nested checkout (another container's workspace, a clone) would land as a gitlink with no content.
      await this.#git(["rm", "-r", "-q", "-f", "--cached", "--ignore-unmatch", "--", ...nested]);
      this.#o.log(`left the nested git repositories out of the commit: ${nested.join(", ")}`);
    }
    const redacted = this.#o.redactor?.text(message) ?? message;
    const commit = await this.#git(["commit", "-q", "--no-verify", "-m", redacted], { reject: false });
    if (commit.exitCode !== 0) {
      // Asked only when the commit failed, so a message that changed files costs no extra command.
      // Nothing staged means nothing to commit (the runtime's own files may still show as untracked).
      const staged = await this.#git(["diff", "--cached", "--quiet"], { reject: false });
      if (staged.exitCode === 0) return null;
      throw new GitError(["commit"], commit.exitCode, commit.stderr || commit.stdout);
    }
    await this.#refreshRevision();
    return this.#revision;
  }

  /**
   * Pushes `HEAD`; refused because the remote branch moved, fetches and merges it and pushes
   * again. One round trip to the remote when the push fast-forwards. Retried with backoff;
   * never throws and never drops a commit.
   */
  async push(): Promise<PushOutcome> {
    const { pushBranch, pushAttempts, retryBaseMs } = this.#o;
    if (!this.hasRemote)
      return { pushed: false, attempts: 0, revision: this.#revision, error: "no REPO_URL to push to" };
    let lastError = "";
    for (let attempt = 1; attempt <= pushAttempts; attempt++) {
      try {
        if (!(await this.#pushHead())) {
          await this.#fetchAndMerge();
          if (!(await this.#pushHead())) {
            throw new Error(`the remote refused the push to ${pushBranch} again: it moved while the merge ran`);
          }
        }
        this.#o.log(`pushed ${this.#revision ?? ""} to ${pushBranch}`);
        return { pushed: true, attempts: attempt, revision: this.#revision, error: null };
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        this.#o.log(`push attempt ${attempt}/${pushAttempts} failed: ${lastError}`);
        if (attempt < pushAttempts) await new Promise((r) => setTimeout(r, retryBaseMs * 2 ** (attempt - 1)));
      }
    }
    await this.#refreshRevision();
    return { pushed: false, attempts: pushAttempts, revision: this.#revision, error: lastError };
  }

  /**
   * Pushes `HEAD` to the push branch: true when it landed, false when the remote refused it
   * because its branch has commits `HEAD` lacks; any other failure throws.
   */
  async #pushHead(): Promise<boolean> {
    const { pushBranch } = this.#o;
    const result = await this.#git(["push", "--porcelain", "origin", `HEAD:refs/heads/${pushBranch}`], {
      reject: false,
    });
    if (result.exitCode !== 0) {
      if (refusedAsNotFastForward(result.stdout)) return false;
      throw new GitError(["push"], result.exitCode, result.stderr || result.stdout);
    }
    await this.#git(["update-ref", `refs/remotes/origin/${pushBranch}`, "HEAD"], { reject: false });
    return true;
  }

  /** Fetches the push branch and merges it into `HEAD`; a conflict aborts the merge and throws. */
  async #fetchAndMerge(): Promise<void> {
    const { pushBranch } = this.#o;
    await this.#git(["fetch", "-q", "origin", `+${pushBranch}:refs/remotes/origin/${pushBranch}`]);
    const merge = await this.#git(["merge", "-q", "--no-edit", `origin/${pushBranch}`], { reject: false });
    if (merge.exitCode !== 0) {
      await this.#git(["merge", "--abort"], { reject: false });
      throw new Error(`merging origin/${pushBranch} conflicts with the agent's commits; resolve it in the workspace`);
    }
    await this.#refreshRevision();
  }
}

/**
 * Whether `git push --porcelain` output says the remote refused the ref only because it
 * does not fast-forward (`[rejected] (fetch first)` or `(non-fast-forward)`), which a fetch
 * and merge fixes; a hook's `[remote rejected]` or an unreachable remote is not that.
 */
function refusedAsNotFastForward(porcelain: string): boolean {
  return porcelain
    .split("\n")
    .some((line) => line.startsWith("!\t") && /\t\[rejected\] \((fetch first|non-fast-forward)\)$/.test(line));
}
