import { execFile } from "node:child_process";

/** How a command ran; `run` throws a {@link CommandError} carrying it when it fails. */
export interface CommandResult {
  command: string;
  args: string[];
  /** The exit code; `null` when it was killed or never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Everything it printed: stdout, then stderr. */
  output: string;
}

/** A command that exited non-zero, was killed, or could not start; the output's tail is in the message. */
export class CommandError extends Error {
  constructor(
    readonly result: CommandResult,
    cause: unknown,
  ) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split("\n").slice(-30).join("\n");
    const how = result.signal !== null ? `killed by ${result.signal}` : `exit ${String(result.code)}`;
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
        const output = `${stdout}${stderr}`;
        if (error === null) {
          resolve({ command, args, code: 0, signal: null, stdout, stderr, output });
          return;
        }
        const code = typeof error.code === "number" ? error.code : null;
        const signal = error.signal ?? null;
        resolve({ command, args, code, signal, stdout, stderr, output, error });
      },
    );
  });
}
