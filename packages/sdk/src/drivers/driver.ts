import { ConfigurationError, SDK_ERROR_CODES } from "../errors.js";
import type { AgentState, ContainerConfig, RepoOptions } from "../state.js";

/**
 * How long every driver waits for a starting container to get ready when neither
 * `StartOptions.readyTimeoutMs` nor `ContainerConfig.readyTimeoutMs` says: 120 s, room for
 * the clone of a large repository or a Fly machine's cold start.
 *
 * @example
 * ```ts
 * import { DEFAULT_READY_TIMEOUT_MS, FileContainerRegistry, startContainer } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const repo = { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main", pushBranch: "agent/work" };
 * // A slow machine: twice the usual wait for the runtime to answer.
 * await startContainer(config, repo, { readyTimeoutMs: 2 * DEFAULT_READY_TIMEOUT_MS });
 * ```
 */
export const DEFAULT_READY_TIMEOUT_MS = 120_000;

/**
 * The readiness wait a {@link StartProgress} step belongs to: its whole budget, and how much
 * of it had gone by when the step was reported (a wait in several steps shares one budget).
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, startContainer, type ReadinessWait } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const repo = { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main", pushBranch: "agent/work" };
 * function progressLine(step: string, wait?: ReadinessWait): string {
 *   if (wait === undefined) return step;
 *   return `${step} (${Math.round(wait.elapsedMs / 1000)} s of ${wait.timeoutMs / 1000} s gone)`;
 * }
 * const state = await startContainer(config, repo, { onProgress: (step, wait) => console.error(progressLine(step, wait)) });
 * ```
 */
export interface ReadinessWait {
  /** The whole readiness budget. */
  timeoutMs: number;
  /** How much of it had gone by when the step began. */
  elapsedMs: number;
}

/**
 * Progress while a container starts, for spinners and logs. The step that waits for the
 * container to get ready comes with its budget (`wait`), so a caller can show how long of
 * it has gone by.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, startContainer, type StartProgress } from "@app-building/sdk";
 * const onProgress: StartProgress = (step, wait) =>
 *   console.error(`... ${step}${wait === undefined ? "" : ` (at most ${wait.timeoutMs / 1000} s)`}`);
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const state = await startContainer(config, null, { onProgress });
 * ```
 */
export type StartProgress = (step: string, wait?: ReadinessWait) => void;

/**
 * Options every driver's `start` accepts.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, startContainer, type StartOptions } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const repo = { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main", pushBranch: "agent/work" };
 * const controller = new AbortController();
 * process.once("SIGINT", () => controller.abort()); // Ctrl-C stops the start and cleans up
 * const options: StartOptions = { readyTimeoutMs: 60_000, signal: controller.signal, onProgress: (step) => console.error(step) };
 * const state = await startContainer(config, repo, options);
 * ```
 */
export interface StartOptions {
  /** Give up (and clean up) when the container is not ready after this long; wins over `ContainerConfig.readyTimeoutMs` (default {@link DEFAULT_READY_TIMEOUT_MS}). */
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
 * import { FileContainerRegistry, processDriver, type Driver } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const repo = { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main", pushBranch: "agent/work" };
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

/** The readiness budget of one start: the start options', else the config's, else {@link DEFAULT_READY_TIMEOUT_MS}. */
export function readyTimeoutFor(config: ContainerConfig, options: StartOptions): number {
  const timeoutMs = options.readyTimeoutMs ?? config.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ConfigurationError(
      `readyTimeoutMs must be a number of milliseconds above 0 (got ${String(timeoutMs)}).`,
      SDK_ERROR_CODES.invalidConfig,
    );
  }
  return timeoutMs;
}
