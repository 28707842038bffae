import type { BuildScope, Deploy, DeployMode, RequestedScope, SelfDeployResponse } from "@app-building/types";
import { resolveScope } from "@app-building/types";
import type { DeployRecord } from "../deploy/repository.js";
import { UnrestrictedRequiredError } from "../errors.js";

/** A deploy as the API shows it (without the server's log path and process id). */
export function toDeployView(record: DeployRecord): Deploy {
  const { logPath: _logPath, pid: _pid, ...view } = record;
  return view;
}

/** The answer of a blocking self-deploy, with the last 8 KB of the log (`logTail`). */
export function toSelfDeployResponse(record: DeployRecord, logTail: string): SelfDeployResponse {
  return {
    ok: record.status === "ok",
    deployId: record.id,
    status: record.status,
    scope: record.scope,
    durationMs: record.durationMs,
    exitCode: record.exitCode,
    errorSummary: record.errorSummary,
    phase: record.phase,
    release: record.release,
    selfRestart: record.selfRestart,
    logTail,
  };
}

/** The concrete scope a request gets in a mode. @throws {UnrestrictedRequiredError} */
export function scopeFor(requested: RequestedScope, mode: DeployMode): BuildScope {
  const resolution = resolveScope(requested, mode);
  if (!resolution.ok) throw new UnrestrictedRequiredError(resolution.requested);
  return resolution.scope;
}
