import type { AgentProcess } from "./process.js";

/**
 * How long an agent's own interrupt has to end the turn: Claude Code's `interrupt` control
 * request, Ctrl-C (SIGINT to the group) for the others.
 */
export const INTERRUPT_GRACE_MS = 10_000;

/** Then SIGTERM to the agent's group: how long it has before SIGKILL. */
export const TERMINATE_GRACE_MS = 3_000;

/**
 * The one interrupt ladder of every agent turn, whoever asked (`POST /interrupt`, a stop,
 * the turn timeout): `ask` (the agent's own interrupt) now; if the agent is still running
 * after `graceMs`, SIGTERM to its process group; SIGKILL after {@link TERMINATE_GRACE_MS}
 * to whatever is left. It stops climbing as soon as the agent exits.
 */
export function interruptLadder(
  proc: AgentProcess,
  ask: () => void,
  options: { graceMs?: number; onEscalate?: () => void } = {},
): void {
  ask();
  const timer = setTimeout(() => {
    options.onEscalate?.();
    proc.terminate(TERMINATE_GRACE_MS);
  }, options.graceMs ?? INTERRUPT_GRACE_MS);
  timer.unref();
  void proc.exited.then(() => clearTimeout(timer));
}
