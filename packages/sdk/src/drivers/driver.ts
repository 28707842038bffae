import type { AgentState, ContainerConfig, RepoOptions } from "../state.js";

/** Progress while a container starts, for spinners and logs. */
export type StartProgress = (step: string) => void;

/** Options every driver's `start` accepts. */
export interface StartOptions {
  /** Give up (and clean up) when the container is not ready after this long. */
  readyTimeoutMs?: number;
  /** Called with a short description of each start step. */
  onProgress?: StartProgress;
  signal?: AbortSignal;
}

/** One way of running containers. Drivers never know about the CLI. */
export interface Driver {
  /** Starts a container and resolves once its API answers. Does not touch the registry. */
  start(config: ContainerConfig, repo: RepoOptions, options: StartOptions): Promise<AgentState>;
  /** Removes whatever is left of a container after its runtime stopped (or to force it). */
  remove(config: ContainerConfig, state: AgentState): Promise<void>;
}
