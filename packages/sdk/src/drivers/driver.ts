import type { AgentState, ContainerConfig, RepoOptions } from "../state.js";

/**
 * Progress while a container starts, for spinners and logs.
 *
 * @example
 * ```ts
 * import type { StartProgress } from "@app-building/sdk";
 * const onProgress: StartProgress = (step) => console.error(`... ${step}`);
 * ```
 */
export type StartProgress = (step: string) => void;

/**
 * Options every driver's `start` accepts.
 *
 * @example
 * ```ts
 * import type { StartOptions } from "@app-building/sdk";
 * const options: StartOptions = { readyTimeoutMs: 60_000, signal: AbortSignal.timeout(120_000) };
 * ```
 */
export interface StartOptions {
  /** Give up (and clean up) when the container is not ready after this long. */
  readyTimeoutMs?: number;
  /** Called with a short description of each start step. */
  onProgress?: StartProgress;
  signal?: AbortSignal;
}

/**
 * One way of running containers. Drivers never know about the CLI.
 *
 * @example
 * ```ts
 * import { processDriver, type Driver } from "@app-building/sdk";
 * const driver: Driver = processDriver;
 * const state = await driver.start(config, repo, {});
 * await driver.remove(config, state);
 * ```
 */
export interface Driver {
  /** Starts a container and resolves once its API answers. Does not touch the registry. */
  start(config: ContainerConfig, repo: RepoOptions, options: StartOptions): Promise<AgentState>;
  /** Removes whatever is left of a container after its runtime stopped (or to force it). */
  remove(config: ContainerConfig, state: AgentState): Promise<void>;
}
