import type { AgentAdapter, Turn, TurnInput, TurnResult } from "../agents/types.js";
import type { Journal } from "../journal/journal.js";

/** A turn in flight, as the lifecycle sees it. */
export interface ActiveTurn {
  id: string;
  turn: Turn;
  interruptRequested: boolean;
}

/**
 * Runs one agent turn and journals everything it prints: JSON lines as `agent` events,
 * stderr as logs. Calls `onActivity` per line (cheap) and `onSession` as soon as the agent
 * names its session.
 */
export function startTurn(
  agent: AgentAdapter,
  journal: Journal,
  input: TurnInput,
  hooks: { onActivity: () => void; onSession: (sessionId: string) => void; timeoutMs: number },
): { active: ActiveTurn; result: Promise<TurnResult> } {
  const turn = agent.start(input, {
    agentJson: (line) => {
      journal.agentLine(input.id, line);
      hooks.onActivity();
    },
    agentEvent: (data) => {
      journal.event("agent", input.id, data);
      hooks.onActivity();
    },
    log: (stream, line) => {
      journal.log(stream, line);
    },
    session: (sessionId) => hooks.onSession(sessionId),
  });
  const active: ActiveTurn = { id: input.id, turn, interruptRequested: false };
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    journal.log("runtime", `turn ${input.id} ran past ${hooks.timeoutMs} ms; interrupting it`);
    turn.interrupt(); // the interrupt ladder ends the agent, by SIGKILL at the last
  }, hooks.timeoutMs);
  timer.unref();
  const result = turn.done.then((outcome) => {
    clearTimeout(timer);
    journal.flush();
    if (timedOut && outcome.status !== "done") {
      return { ...outcome, status: "error" as const, error: `the turn timed out after ${hooks.timeoutMs} ms` };
    }
    return outcome;
  });
  return { active, result };
}
