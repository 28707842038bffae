import type { AgentState } from "../state.js";
import type { ContainerOutcome } from "../stopped/outcome.js";

/**
 * One container as the registry knows it: its {@link AgentState} plus when it stopped
 * (`null`, or absent in a seed-style registry, while it is believed to run).
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, type RegistryEntry } from "@app-building/sdk";
 * const running = (entries: RegistryEntry[]) => entries.filter((entry) => entry.stoppedAt == null);
 * for (const entry of running(await new FileContainerRegistry().getRecent(50))) console.log(entry.containerName);
 * ```
 */
export interface RegistryEntry extends AgentState {
  /** When the container was seen or marked stopped (ISO 8601); `null` or absent while it runs. */
  stoppedAt?: string | null;
  /** What it left when the SDK stopped it (revision, push outcome, last message); what a Fly container's reads fall back on. */
  outcome?: ContainerOutcome;
}

/**
 * A value or a promise of it: what a {@link ContainerRegistry} method may return, so that
 * synchronous registries (the seed's style) and asynchronous ones both fit.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, type MaybePromise, type RegistryEntry } from "@app-building/sdk";
 * // A registry may answer at once or later: awaiting handles both.
 * async function nameOf(found: MaybePromise<RegistryEntry | null>): Promise<string> {
 *   return (await found)?.containerName ?? "(none)";
 * }
 * console.log(await nameOf(new FileContainerRegistry().find("app-building-3f2a9c01d4")));
 * ```
 */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Where started containers are recorded, so that programs and the CLI can find them
 * again. {@link FileContainerRegistry} is the built-in implementation. Every method may
 * answer directly or with a promise: the SDK awaits what it gets, so a seed-style
 * synchronous registry (`log(state): void`, `find(name): RegistryEntry | null`) works as
 * it is.
 *
 * @example
 * ```ts
 * import { startContainer, type AgentState, type ContainerRegistry, type RegistryEntry } from "@app-building/sdk";
 * class MemoryRegistry implements ContainerRegistry {
 *   private entries: RegistryEntry[] = [];
 *   log(state: AgentState): void { this.entries.push({ ...state, stoppedAt: null }); }
 *   markStopped(name?: string): void { for (const e of this.entries) if (!name || e.containerName === name) e.stoppedAt = new Date().toISOString(); }
 *   clearStopped(name: string): void { for (const e of this.entries) if (e.containerName === name) e.stoppedAt = null; }
 *   getRecent(limit = 20): RegistryEntry[] { return this.entries.slice(-limit).reverse(); }
 *   find(name: string): RegistryEntry | null { return this.entries.find((e) => e.containerName === name) ?? null; }
 *   async findAlive(): Promise<RegistryEntry[]> { return this.entries.filter((e) => e.stoppedAt == null); }
 * }
 * const state = await startContainer({ registry: new MemoryRegistry() }, null);
 * ```
 */
export interface ContainerRegistry {
  /** Records a started container (a container logged again under the same name replaces the old entry). */
  log(state: AgentState): MaybePromise<void>;
  /** Marks a container stopped (keeping its `outcome` when given); without a name, the most recently started one that is not stopped. */
  markStopped(name?: string, outcome?: ContainerOutcome): MaybePromise<void>;
  /** Clears the stopped mark of a container that answers again. */
  clearStopped(name: string): MaybePromise<void>;
  /** The most recently started containers, newest first (`limit` defaults to 20). */
  getRecent(limit?: number): MaybePromise<RegistryEntry[]>;
  /** One container by name, or `null`. */
  find(name: string): MaybePromise<RegistryEntry | null>;
  /**
   * Probes the recent containers not marked stopped, in parallel, and returns those that
   * answer with their own name; marks the others stopped.
   */
  findAlive(): MaybePromise<RegistryEntry[]>;
}
