import type { DeployStatus } from "@app-building/types";
import type { DeployPatch, DeployRecord } from "./repository.js";
import { appendLogLine } from "./runner.js";
import type { Builder, DeployEnd, Restarter, RestartFailure } from "./service-types.js";

/** What a deploy without releases needs. */
export interface WorkspaceDeployDeps {
  builder: Builder;
  restarter: Restarter | null;
  buildTimeoutMs: number;
  selfProgram: string;
  update: (patch: DeployPatch) => DeployRecord;
}

/**
 * A deploy without releases (no `RELEASES_DIR`: a core-back outside `npm start`): turbo
 * builds in the workspace itself, then supervisord restarts the scope's services and a
 * restart counts once supervisord reports the program up.
 */
export async function runWorkspaceDeploy(
  deps: WorkspaceDeployDeps,
  row: DeployRecord,
  programs: readonly string[],
  signal: AbortSignal,
): Promise<DeployEnd> {
  const { builder, restarter, selfProgram } = deps;
  const result = await builder.run({
    deployId: row.id,
    filters: row.filters,
    logPath: row.logPath,
    timeoutMs: deps.buildTimeoutMs,
    signal,
    onSpawn: (sid) => deps.update({ pid: sid }),
  });
  deps.update({ pid: null, buildEndedAt: new Date().toISOString() });
  if (result.outcome !== "ok") {
    const status: DeployStatus =
      result.outcome === "timed_out" ? "timed_out" : result.outcome === "cancelled" ? "cancelled" : "error";
    return { status, phase: "build", exitCode: result.exitCode, errorSummary: result.errorSummary };
  }
  const exitCode = result.exitCode ?? 0;
  const ok: DeployEnd = { status: "ok", phase: "done", exitCode, errorSummary: null };
  if (restarter === null) {
    if (programs.length > 0)
      appendLogLine(row.logPath, `no supervisord configured: not restarting ${programs.join(", ")}`);
    return ok;
  }
  const others = programs.filter((program) => program !== selfProgram);
  if (others.length > 0) deps.update({ status: "restarting", phase: "restart" });
  for (const program of others) {
    if (signal.aborted) {
      return {
        status: "cancelled",
        phase: "restart",
        exitCode,
        errorSummary: "the deploy was cancelled between service restarts",
      };
    }
    appendLogLine(row.logPath, `restarting ${program}`);
    try {
      await restarter.restart(program);
      appendLogLine(row.logPath, `${program} is running`);
    } catch (error) {
      const failure = error as RestartFailure;
      const tail =
        failure.outputTail === undefined || failure.outputTail === ""
          ? ""
          : `\n${program} output:\n${failure.outputTail}`;
      appendLogLine(row.logPath, `restart of ${program} failed: ${failure.message}`);
      return {
        status: "error",
        phase: "restart",
        exitCode,
        errorSummary: `the build passed but ${program} did not restart: ${failure.message}${tail}`.slice(0, 6000),
      };
    }
  }
  if (!programs.includes(selfProgram)) return ok;
  return {
    ...ok,
    selfRestart: {
      note: `restarting ${selfProgram} (this server) right after answering`,
      run: () => restarter.restartSelf(selfProgram),
    },
  };
}
