import { execFile } from "node:child_process";

/** How a command ran; `run` throws a {@link CommandError} carrying it when it fails. */
export interface CommandResult {
  command: string;
  args: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A command that exited non-zero, was killed, or could not start; the output's tail is in the message. */
export class CommandError extends Error {
  constructor(
    readonly result: CommandResult,
    cause: unknown,
  ) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-30).join("\n");
    const how = result.signal !== null ? `killed by ${result.signal}` : `exit ${String(result.exitCode)}`;
    super(`${result.command} ${result.args.join(" ")} failed (${how})${tail ? `:\n${tail}` : ""}`, { cause });
    this.name = "CommandError";
  }
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Runs a command (no shell) to completion and answers its stdout; throws a {@link CommandError} on failure. */
export async function run(command: string, args: string[], options: RunOptions = {}): Promise<string> {
  const result = await capture(command, args, options);
  if (result.error !== undefined) throw new CommandError(result, result.error);
  return result.stdout;
}

/** Runs a command (no shell) to completion and answers how it went, failed or not. */
export function capture(
  command: string,
  args: string[],
  options: RunOptions = {},
): Promise<CommandResult & { error?: Error }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 0, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error === null) {
          resolve({ command, args, exitCode: 0, signal: null, stdout, stderr });
          return;
        }
        const exitCode = typeof error.code === "number" ? error.code : null;
        const signal = error.signal ?? null;
        resolve({ command, args, exitCode, signal, stdout, stderr, error });
      },
    );
  });
}
