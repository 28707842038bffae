import type { AgentState } from "../state.js";
import type { ContainerOutcome } from "../stopped/outcome.js";

/**
 * One container as the registry knows it: its {@link AgentState} plus when it stopped
 * (`null` while it is believed to run).
 *
 * @example
 * ```ts
 * import type { RegistryEntry } from "@app-building/sdk";
 * const running = (entries: RegistryEntry[]) => entries.filter((entry) => entry.stoppedAt === null);
 * ```
 */
export interface RegistryEntry extends AgentState {
  /** When the container was seen or marked stopped (ISO 8601), or `null`. */
  stoppedAt: string | null;
  /** What it left when the SDK stopped it (revision, push outcome, last message); what a Fly container's reads fall back on. */
  outcome?: ContainerOutcome;
}

/**
 * Where started containers are recorded, so that programs and the CLI can find them
 * again. {@link FileContainerRegistry} is the built-in implementation.
 *
 * @example
 * ```ts
 * import type { ContainerRegistry } from "@app-building/sdk";
 * async function running(registry: ContainerRegistry) {
 *   return registry.findAlive();
 * }
 * ```
 */
export interface ContainerRegistry {
  /** Records a started container (a container logged again under the same name replaces the old entry). */
  log(state: AgentState): Promise<void>;
  /** Marks a container stopped (keeping its `outcome` when given); without a name, the most recently started one that is not stopped. */
  markStopped(name?: string, outcome?: ContainerOutcome): Promise<void>;
  /** Clears the stopped mark of a container that answers again. */
  clearStopped(name: string): Promise<void>;
  /** The most recently started containers, newest first (`limit` defaults to 20). */
  getRecent(limit?: number): Promise<RegistryEntry[]>;
  /** One container by name, or `null`. */
  find(name: string): Promise<RegistryEntry | null>;
  /**
   * Probes the recent containers not marked stopped, in parallel, and returns those that
   * answer with their own name; marks the others stopped.
   */
  findAlive(): Promise<RegistryEntry[]>;
}
