import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { z } from "zod";

/** The most an error summary holds, so a response stays small whatever the build printed. */
export const MAX_SUMMARY_CHARS = 6000;
const MAX_LINES_PER_TASK = 25;
const FALLBACK_LINES = 25;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Removes terminal colour codes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** The parts of turbo's `--summarize` JSON the summary reads. */
const runSummarySchema = z.object({
  execution: z
    .object({ exitCode: z.number().int().nullable().optional(), failed: z.number().int().optional() })
    .passthrough(),
  tasks: z.array(
    z
      .object({
        taskId: z.string(),
        directory: z.string().optional(),
        logFile: z.string().optional(),
        execution: z
          .object({ exitCode: z.number().int().nullable().optional(), error: z.string().nullable().optional() })
          .passthrough()
          .optional(),
      })
      .passthrough(),
  ),
});
/** turbo's run summary, as far as the error summary needs it. */
export type RunSummary = z.infer<typeof runSummarySchema>;

/** Parses a run summary file; `undefined` when missing or not the expected shape. */
export function readRunSummary(path: string): RunSummary | undefined {
  try {
    const parsed = runSummarySchema.safeParse(JSON.parse(readFileSync(path, "utf8")));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The path turbo prints on its `Summary:` line, if the output has one. */
export function findSummaryPath(output: string, workspaceDir: string): string | undefined {
  const matches = [...stripAnsi(output).matchAll(/^\s*Summary:\s+(\S+\.json)\s*$/gm)];
  const path = matches[matches.length - 1]?.[1];
  if (path === undefined) return undefined;
  return isAbsolute(path) ? path : join(workspaceDir, path);
}

const ERROR_LINE = /\berror\b|\bERR!|Error:|\bfailed\b|✘|×/i;
const NOISE = /^(npm (error|ERR!|warn)|ELIFECYCLE|\s*ERR_PNPM_|.*Lifecycle script .* failed)/i;

/**
 * The lines of a task log that say what went wrong: compiler and runtime error lines
 * (`src/x.ts(3,7): error TS2322: ...`) with up to three indented continuation lines each,
 * without the package manager's own noise. Falls back to the last lines of the log.
 */
export function extractErrorLines(log: string, maxLines: number = MAX_LINES_PER_TASK): string[] {
  const lines = stripAnsi(log)
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+$/, ""));
  const picked: string[] = [];
  for (let index = 0; index < lines.length && picked.length < maxLines; index += 1) {
    const line = lines[index] ?? "";
    if (line === "" || NOISE.test(line.trim()) || !ERROR_LINE.test(line)) continue;
    picked.push(line);
    for (let next = index + 1; next <= index + 3 && picked.length < maxLines; next += 1) {
      const continuation = lines[next] ?? "";
      if (!/^\s+\S/.test(continuation) || ERROR_LINE.test(continuation)) break;
      picked.push(continuation);
      index = next;
    }
  }
  if (picked.length > 0) return picked;
  return lines.filter((line) => line !== "" && !NOISE.test(line.trim())).slice(-Math.min(maxLines, 10));
}

function clip(text: string): string {
  return text.length <= MAX_SUMMARY_CHARS ? text : `${text.slice(0, MAX_SUMMARY_CHARS - 20)}\n... (clipped)`;
}

/**
 * The error summary of a failed turbo run from its run summary: each failed task id with
 * its exit code and its log's error lines. `undefined` when the summary names no failed
 * task (turbo itself failed: use {@link fallbackSummary}).
 */
export function summarizeFailedRun(
  summary: RunSummary,
  workspaceDir: string,
  exitCode: number | null,
): string | undefined {
  const failed = summary.tasks.filter((task) => {
    const code = task.execution?.exitCode;
    return (typeof code === "number" && code !== 0) || (task.execution?.error ?? null) !== null;
  });
  if (failed.length === 0) return undefined;
  const parts = [
    `turbo failed (exit ${exitCode ?? "none"}): ${failed.length} task${failed.length === 1 ? "" : "s"} failed`,
  ];
  for (const task of failed) {
    const code = task.execution?.exitCode;
    const where = task.directory === undefined ? "" : ` (${task.directory})`;
    parts.push(`${task.taskId}${where} exited with code ${code ?? "none"}`);
    let log = "";
    if (task.logFile !== undefined) {
      try {
        log = readFileSync(isAbsolute(task.logFile) ? task.logFile : join(workspaceDir, task.logFile), "utf8");
      } catch {
        log = task.execution?.error ?? "";
      }
    }
    for (const line of extractErrorLines(log)) parts.push(`  ${line}`);
  }
  return clip(parts.join("\n"));
}

/** The error summary when turbo wrote no usable run summary: the last lines of its output. */
export function fallbackSummary(outputTail: string, exitCode: number | null): string {
  const lines = stripAnsi(outputTail)
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+$/, ""))
    .filter((line) => line !== "" && !line.startsWith("[core-back]"));
  return clip(
    [`turbo failed (exit ${exitCode ?? "none"}); the last lines of its output:`, ...lines.slice(-FALLBACK_LINES)].join(
      "\n",
    ),
  );
}
