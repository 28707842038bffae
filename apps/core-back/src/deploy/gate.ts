import { setTimeout as sleep } from "node:timers/promises";
import type { ServiceCheck } from "@app-building/types";
import { HttpWaitError, waitForHttp } from "@app-building/types/wait-for-http";

/** What the gate needs to know about a supervised process. */
export interface ProcessState {
  statename: string;
  pid: number;
  exitstatus: number;
  /** When the current (or last) process started, unix seconds. */
  start: number;
}

/** How the gate watches one service. */
export interface GateTarget {
  program: string;
  /** e.g. `http://127.0.0.1:4001`. */
  baseUrl: string;
  check: ServiceCheck;
  /** The release the service must report. */
  release: string;
  /** The process as supervisord sees it now. */
  processState: () => Promise<ProcessState>;
  /** When the restart began (ms since epoch): an exit of a process started before it is not this start's. */
  startedAt: number;
  signal?: AbortSignal;
  pollMs?: number;
}

/** How a gate ended: up, or why not (in words an agent can act on). */
export type GateResult =
  | { ok: true; pid: number; healthyAfterMs: number }
  | { ok: false; reason: string; exited: boolean };

const DOWN_STATES = new Set(["EXITED", "FATAL", "BACKOFF", "STOPPED"]);

async function probe(url: string): Promise<{ status: number; body: unknown } | { error: string }> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000), redirect: "manual" });
    const text = await response.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
    return { status: response.status, body };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { error: cause?.code ?? (error as Error).name };
  }
}

/** How long a gate waits for supervisord to see the exit of a process whose port closed. */
const EXIT_NOTICE_MS = 1_000;

/** `ms` in seconds as people write them: 15, 3.5, 0.3. */
function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

function hasStopped(state: ProcessState, pid: number): boolean {
  return state.pid !== pid || DOWN_STATES.has(state.statename);
}

/** The state in which supervisord saw process `pid` stop within `withinMs`, if it did. */
async function exitSeenWithin(
  processState: () => Promise<ProcessState>,
  pid: number,
  withinMs: number,
  pollMs: number,
): Promise<ProcessState | undefined> {
  const until = Date.now() + withinMs;
  for (;;) {
    const state = await processState();
    if (hasStopped(state, pid)) return state;
    if (Date.now() >= until) return undefined;
    await sleep(pollMs);
  }
}

/** The release a health answer names, or null when it names none. */
export function releaseOf(body: unknown): string | null {
  if (typeof body !== "object" || body === null) return null;
  const release = (body as { release?: unknown }).release;
  return typeof release === "string" ? release : null;
}

function portOf(baseUrl: string): string {
  return new URL(baseUrl).port || "80";
}

function exitedWhy(state: ProcessState, program: string): string {
  // supervisord keeps an exit status only once the process is EXITED; in BACKOFF it is stale.
  if (state.statename === "EXITED") return `${program} exited with code ${state.exitstatus}`;
  if (state.statename === "BACKOFF") return `${program} exited and supervisord is retrying it (BACKOFF)`;
  if (state.statename === "FATAL") return `${program} exited on every start (supervisord gave up: FATAL)`;
  return `${program} was restarted underneath the gate (supervisord: ${state.statename}, pid ${state.pid})`;
}

/**
 * Health-gates one restarted service: it passes only when its health URL answers `200`
 * from the expected release within the start timeout, every smoke path answers 2xx/3xx,
 * and then, for the whole settle window, the same process keeps running and its health
 * URL keeps answering. supervisord's RUNNING is not asked for: it only means the process
 * stayed up for `startsecs`.
 */
export async function gateService(target: GateTarget): Promise<GateResult> {
  const { program, baseUrl, check, release, processState, startedAt } = target;
  const pollMs = target.pollMs ?? 100;
  const startedAtSeconds = Math.floor(startedAt / 1000);
  const healthUrl = `${baseUrl}${check.healthPath}`;
  // Why the wait stopped before its time, when it did: the deploy was stopped, or this
  // start's process exited.
  let stoppedBy: { reason: string; exited: boolean } | undefined;
  const giveUp = async (): Promise<string | null> => {
    if (target.signal?.aborted === true) stoppedBy = { reason: "the deploy was stopped", exited: false };
    else {
      const state = await processState();
      if (DOWN_STATES.has(state.statename) && state.start >= startedAtSeconds) {
        stoppedBy = {
          reason: `${exitedWhy(state, program)} before it answered on :${portOf(baseUrl)}${check.healthPath}`,
          exited: true,
        };
      }
    }
    return stoppedBy?.reason ?? null;
  };
  try {
    await waitForHttp(healthUrl, {
      timeoutMs: Math.max(0, startedAt + check.startTimeoutMs - Date.now()),
      intervalMs: pollMs,
      attemptTimeoutMs: 1_000,
      accept: async (response) => {
        const answered = releaseOf(await response.json().catch(() => null));
        return answered === release ? null : `answered from release ${answered ?? "(none)"}, not ${release}`;
      },
      giveUp,
    });
  } catch (error) {
    if (!(error instanceof HttpWaitError)) throw error;
    if (stoppedBy !== undefined) return { ok: false, ...stoppedBy };
    return {
      ok: false,
      reason: `${program}: no answer on :${portOf(baseUrl)}${check.healthPath} from release ${release} within ${seconds(check.startTimeoutMs)} s (last: ${error.lastAttempt})`,
      exited: false,
    };
  }
  // The process that answered: one that stopped since is caught by the settle window.
  const { pid } = await processState();
  const healthyAfterMs = Date.now() - startedAt;
  for (const path of check.smokePaths) {
    const answer = await probe(`${baseUrl}${path}`);
    if ("error" in answer || answer.status >= 400) {
      const what = "error" in answer ? `connection: ${answer.error}` : `HTTP ${answer.status}`;
      return { ok: false, reason: `${program}: smoke path ${path} failed (${what})`, exited: false };
    }
  }
  const stoppedInSettle = (state: ProcessState): GateResult => ({
    ok: false,
    reason: `${program} stopped within its ${seconds(check.settleMs)} s settle window: ${exitedWhy(state, program)}`,
    exited: true,
  });
  const settleEnd = Date.now() + check.settleMs;
  while (Date.now() < settleEnd) {
    await sleep(Math.min(pollMs * 2, Math.max(1, settleEnd - Date.now())));
    const state = await processState();
    if (hasStopped(state, pid)) return stoppedInSettle(state);
    const answer = await probe(healthUrl);
    if ("error" in answer || answer.status !== 200 || releaseOf(answer.body) !== release) {
      // A process that exits closes its port before supervisord has reaped it: give
      // supervisord a moment, so an exit is reported as the exit it is.
      const exit = await exitSeenWithin(processState, pid, EXIT_NOTICE_MS, pollMs);
      if (exit !== undefined) return stoppedInSettle(exit);
      const what = "error" in answer ? `connection: ${answer.error}` : `HTTP ${answer.status}`;
      return {
        ok: false,
        reason: `${program} stopped answering on :${portOf(baseUrl)}${check.healthPath} within its ${seconds(check.settleMs)} s settle window (${what})`,
        exited: false,
      };
    }
  }
  return { ok: true, pid, healthyAfterMs };
}
