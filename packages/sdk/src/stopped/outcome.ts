import type { JournalEvent, Message } from "@app-building/types";
import type { DriverName } from "../state.js";
import type { ContainerJournal } from "./journal.js";

/**
 * What a container left behind when it stopped: its final revision, whether its work
 * was pushed, and how its last message ended. Kept in the registry when the SDK stops a
 * container (all a Fly container leaves, since its machine is destroyed with its journal).
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, readStoppedContainer, type ContainerOutcome } from "@app-building/sdk";
 * const line = (o: ContainerOutcome) => `${o.revision ?? "-"} ${o.pushed === false ? "NOT pushed" : ""}`;
 * for (const entry of await new FileContainerRegistry().getRecent(20)) {
 *   if (entry.stoppedAt !== null) console.log(entry.containerName, line(await readStoppedContainer(entry)));
 * }
 * ```
 */
export interface ContainerOutcome {
  /** The last revision committed or pushed (or the one checked out, when nothing was committed). */
  revision: string | null;
  /** The branch it pushed to. */
  pushBranch: string | null;
  /** `true` when its last push reached the remote, `false` when it failed or was still pending, `null` when nothing was pushed (no remote, or no commits). */
  pushed: boolean | null;
  /** Why the last push failed (git's words). */
  pushError: string | null;
  /** The message queued last and how it ended (`status`, `result`, `error`, cost). */
  lastMessage: Message | null;
  /** What the agent cost in all. */
  totalCostUsd: number | null;
  /** `true` when the runtime finished its stop (its last state was `stopped`), `false` when it was killed, `null` when unknown. */
  stoppedCleanly: boolean | null;
}

/** An outcome that knows nothing yet: every field `null`. */
export const NO_OUTCOME: ContainerOutcome = {
  revision: null,
  pushBranch: null,
  pushed: null,
  pushError: null,
  lastMessage: null,
  totalCostUsd: null,
  stoppedCleanly: null,
};

/**
 * A container that has exited, as {@link readStoppedContainer} reads it.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, readStoppedContainer, type StoppedContainer } from "@app-building/sdk";
 * const entry = await new FileContainerRegistry().find("app-building-3f2a9c01d4");
 * if (entry === null) throw new Error("app-building-3f2a9c01d4 is not in the registry");
 * const stopped: StoppedContainer = await readStoppedContainer(entry);
 * console.log(`${stopped.containerName} stopped at ${stopped.revision}: ${stopped.lastMessage?.result ?? ""}`);
 * ```
 */
export interface StoppedContainer extends ContainerOutcome {
  containerName: string;
  driver: DriverName;
  state: "stopped";
  /** Where it was read from: the container's journal (process, docker), what the registry kept (fly), or nothing was left. */
  source: "journal" | "registry" | "none";
  /** When the registry marked it stopped, if it did. */
  stoppedAt: string | null;
}

const GIT_EVENTS: JournalEvent["kind"][] = ["git.committed", "git.pushed", "git.push_failed"];

function field(data: unknown, name: string): string | null {
  const value = (data as Record<string, unknown> | null)?.[name];
  return typeof value === "string" ? value : null;
}

/** Reads a container's outcome from its journal: its last git event, its last message, its counters and last state. */
export function outcomeFromJournal(journal: ContainerJournal): ContainerOutcome {
  const counters = journal.counters();
  const git = journal.lastEvent(GIT_EVENTS);
  const lastState = journal.lastEvent(["container.state"]);
  // "workspace ready on branch B at R": the branch, and the revision when nothing was committed since.
  const ready = /^workspace ready on branch (\S+) at ([0-9a-f]{7,40})?/.exec(
    journal.lastRuntimeLine("workspace ready on branch ") ?? "",
  );
  const pendingPush = counters.pendingPush === true;
  let pushed: boolean | null = null;
  if (git?.kind === "git.pushed") pushed = true;
  else if (git?.kind === "git.push_failed") pushed = false;
  else if (git?.kind === "git.committed" && pendingPush) pushed = false;
  return {
    revision: field(git?.data, "revision") ?? ready?.[2] ?? null,
    pushBranch: field(git?.data, "branch") ?? ready?.[1] ?? null,
    pushed,
    pushError: git?.kind === "git.push_failed" ? (field(git.data, "error") ?? "the push failed") : null,
    lastMessage: journal.lastMessage(),
    totalCostUsd: typeof counters.totalCostUsd === "number" ? counters.totalCostUsd : null,
    stoppedCleanly: lastState === null ? null : field(lastState.data, "state") === "stopped",
  };
}
