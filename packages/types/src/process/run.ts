import { spawn } from "node:child_process";

/**
 * How {@link run} starts a program.
 *
 * @example
 * ```ts
 * import { run, type RunOptions } from "@app-building/types/process";
 * const options: RunOptions = { cwd: "/work/repo", env: { PATH: "/usr/bin:/bin" }, timeoutMs: 30_000 };
 * const status = await run("git", ["status", "--porcelain"], options);
 * ```
 */
export interface RunOptions {
  /** The folder it runs in; default: this process's. */
  cwd?: string;
  /** Its whole environment (not merged with this process's); default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** Kills it (SIGKILL) after this long; the result then says so in `failure`. */
  timeoutMs?: number;
}

/**
 * What a program {@link run} started printed and how it ended.
 *
 * @example
 * ```ts
 * import { run, type RunResult } from "@app-building/types/process";
 * const result: RunResult = await run("git", ["push", "origin", "HEAD"], { cwd: "/work/repo" });
 * if (result.failure !== undefined) console.error(`push failed (${result.failure}): ${result.stderr.trim()}`);
 * ```
 */
export interface RunResult {
  /** Its exit code; `null` when a signal or the timeout ended it, or it never started. */
  exitCode: number | null;
  /** All it wrote to stdout, as UTF-8, final newline kept. */
  stdout: string;
  /** All it wrote to stderr, as UTF-8, final newline kept. */
  stderr: string;
  /**
   * Why it failed, in a few words for an error message (`exit 128`, `killed by SIGTERM`,
   * `timed out after 60000 ms`, `could not start: spawn turbo ENOENT`); `undefined` after
   * exit 0.
   */
  failure: string | undefined;
}

/**
 * Runs a program without a shell, stdin closed, and collects its output. It never
 * rejects: a non-zero exit, a signal, a timeout and a program that cannot start all
 * resolve, with `failure` saying which. Plain `child_process` underneath, so it costs a
 * server nothing at start-up.
 *
 * @example
 * ```ts
 * import { run } from "@app-building/types/process";
 * const head = await run("git", ["rev-parse", "HEAD"], { cwd: "/work/repo", timeoutMs: 10_000 });
 * if (head.failure !== undefined) throw new Error(`git rev-parse failed (${head.failure}): ${head.stderr}`);
 * console.log(head.stdout.trim());
 * ```
 */
export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const text = (chunks: Buffer[]): string => Buffer.concat(chunks).toString("utf8");
    let timedOut = false;
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill("SIGKILL");
          }, options.timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.once("error", (error) => {
      if (child.pid !== undefined) return; // it started; `close` reports how it ended
      clearTimeout(timer);
      resolve({ exitCode: null, stdout: "", stderr: "", failure: `could not start: ${error.message}` });
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const failure = timedOut
        ? `timed out after ${options.timeoutMs} ms`
        : signal !== null
          ? `killed by ${signal}`
          : code !== 0
            ? `exit ${code}`
            : undefined;
      resolve({ exitCode: code, stdout: text(stdout), stderr: text(stderr), failure });
    });
  });
}
