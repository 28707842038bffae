import { createClient } from "./client/client.js";
import { AppBuildingError, ConfigurationError, ContainerGoneError, SDK_ERROR_CODES } from "./errors.js";
import type { Driver, StartOptions } from "./drivers/driver.js";
import { getImageRef } from "./image.js";
import type { AgentState, ContainerConfig, DriverName, RepoOptions } from "./state.js";
import { NO_OUTCOME, type ContainerOutcome } from "./stopped/outcome.js";
import { readStoppedContainer } from "./stopped/read.js";
import { recentOutcome } from "./stopped/remote.js";

/**
 * Options of {@link startContainer}.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, startContainer, type StartContainerOptions } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const repo = { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main", pushBranch: "agent/work" };
 * const options: StartContainerOptions = { readyTimeoutMs: 60_000, onProgress: (step) => console.log(step) };
 * const state = await startContainer(config, repo, options);
 * ```
 */
export type StartContainerOptions = StartOptions;

async function loadDriver(name: DriverName): Promise<Driver> {
  switch (name) {
    case "process":
      return (await import("./drivers/process.js")).processDriver;
    case "docker":
      return (await import("./drivers/docker.js")).dockerDriver;
    case "fly":
      return (await import("./drivers/fly.js")).flyDriver;
    default:
      throw new ConfigurationError(
        `Unknown driver ${JSON.stringify(name)}: use "process", "docker" or "fly".`,
        SDK_ERROR_CODES.unknownDriver,
      );
  }
}

/**
 * The driver a config selects: `config.driver` when set; else `fly` when both `flyToken`
 * and `flyApp` are set; else `docker` when a docker setting is given (`config.docker`), or
 * when a Docker Engine answers and the image (`config.imageRef`, else {@link getImageRef})
 * is present in it; else `process`. An engine without the image does not select docker:
 * starting there would fail for want of an image the SDK cannot pull.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, chooseDriver } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry() };
 * console.log(await chooseDriver(config)); // "process" on a laptop without Docker or without the image
 * ```
 */
export async function chooseDriver(config: ContainerConfig): Promise<DriverName> {
  if (config.driver !== undefined) return config.driver;
  if (nonEmpty(config.flyToken) && nonEmpty(config.flyApp)) return "fly";
  if (config.docker !== undefined) return "docker";
  const { dockerEngineAnswers, imageExists } = await import("./drivers/docker-cli.js");
  if (!(await dockerEngineAnswers())) return "process";
  const present = await imageExists(config.imageRef ?? getImageRef()).catch(() => false);
  return present ? "docker" : "process";
}

function nonEmpty(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== "";
}

/** What a start without a repository works on: a fresh folder, never committed. */
const NO_REPO: RepoOptions = { repoUrl: "", cloneBranch: "" };

/**
 * Starts an agent container with the driver {@link chooseDriver} selects, waits until its
 * API answers, records it in `config.registry`, and returns its {@link AgentState}.
 * `repo` `null` (as in the seed) starts it without a repository: the agent works in a
 * fresh folder and nothing is committed or pushed; so does a `repo` without `pushBranch`,
 * on a clone of `repoUrl`.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, createClient, startContainer } from "@app-building/sdk";
 * const state = await startContainer(
 *   { envVars: {}, registry: new FileContainerRegistry(".container-registry.jsonl") },
 *   { repoUrl: "https://github.com/acme/app.git", cloneBranch: "feature-x,main", pushBranch: "agent/work" },
 * );
 * await createClient(state).sendMessage("Add a README");
 * ```
 */
export async function startContainer(
  config: ContainerConfig,
  repo: RepoOptions | null,
  options: StartContainerOptions = {},
): Promise<AgentState> {
  const driver = await loadDriver(await chooseDriver(config));
  const state = await driver.start(config, repo ?? NO_REPO, options);
  await config.registry.log(state);
  return state;
}

/**
 * Starts a container on Fly.io Machines (the `fly` driver, whatever `config.driver` says).
 * Needs `config.flyToken` and `config.flyApp`.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, startRemoteContainer } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const repo = { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main", pushBranch: "agent/work" };
 * const state = await startRemoteContainer({ ...config, flyToken: process.env.FLY_API_TOKEN, flyApp: "my-agents" }, repo);
 * console.log(`machine ${state.flyMachineId ?? ""} answers at ${state.baseUrl}`);
 * ```
 */
export async function startRemoteContainer(
  config: ContainerConfig,
  repo: RepoOptions | null,
  options: StartContainerOptions = {},
): Promise<AgentState> {
  return startContainer({ ...config, driver: "fly" }, repo, options);
}

/**
 * What stopping a container achieved.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, stopContainer, type StopResult } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry() };
 * const result: StopResult = await stopContainer(config, "app-building-3f2a9c01d4");
 * console.log(result.revision);
 * ```
 */
export interface StopResult {
  containerName: string;
  /** The last revision the container pushed (or reported), if any. */
  revision: string | null;
  /** True when a push succeeded while stopping; false when it failed (or the stop did not finish); null when there was nothing to push. */
  pushed: boolean | null;
  /** Why the last push failed, when it did. */
  pushError: string | null;
  /** The branch the container pushes to, when known. */
  pushBranch: string | null;
  /** When the push failed: where the commits are kept and how to push them by hand. */
  recovery: string | null;
  /** True when the container was already gone. */
  alreadyGone: boolean;
}

/** How long a stop waits, after the runtime is gone, for the events it sent last. */
const FINAL_EVENTS_MS = 10_000;

/** Where a container whose push failed keeps its commits, and the commands that push them. */
function recoveryFor(state: AgentState, branch: string | null): string {
  const target = `HEAD:refs/heads/${branch ?? "<branch>"}`;
  if (state.workspaceDir !== undefined) {
    return `The commits are kept in ${state.workspaceDir}. Push them by hand: git -C ${JSON.stringify(state.workspaceDir)} push origin ${target}`;
  }
  if (state.driver === "docker") {
    const copy = `./${state.containerName}-workspace`;
    return (
      `The commits are kept in the stopped Docker container ${state.containerName} (it was not removed). ` +
      `Copy them out and push them by hand: docker cp ${state.containerName}:/workspace ${copy} && git -C ${copy} push origin ${target}; then docker rm ${state.containerName}`
    );
  }
  return `The Fly machine ${state.containerName} is destroyed with its workspace; the unpushed revision is named above. Give the container a remote it can push to and run the work again.`;
}

/**
 * Options of {@link stopContainer}.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, stopContainer, type StopOptions } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry() };
 * const options: StopOptions = { timeoutMs: 60_000 };
 * await stopContainer(config, "app-building-3f2a9c01d4", options);
 * ```
 */
export interface StopOptions {
  /** How long the runtime may take to commit, push and exit before it is removed anyway (default 120 s). */
  timeoutMs?: number;
}

/**
 * Stops a container (by name from the registry, or by state): asks the runtime to
 * interrupt, commit, push and exit, waits for it, removes what is left (process group,
 * Docker container, Fly machine), and marks it stopped in the registry. The result says
 * whether the stop's push worked (`pushed`); when it did not, `recovery` says where the
 * commits are kept and how to push them by hand (a Docker container is then left stopped
 * instead of removed, since it holds them).
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, stopContainer } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry() };
 * const result = await stopContainer(config, "app-building-3f2a9c01d4");
 * if (result.pushed === false) console.error(`push failed: ${result.pushError}\n${result.recovery}`);
 * ```
 */
export async function stopContainer(
  config: ContainerConfig,
  container: string | AgentState,
  options: StopOptions = {},
): Promise<StopResult> {
  const state = typeof container === "string" ? await config.registry.find(container) : container;
  if (state === null) {
    throw new ConfigurationError(
      `No container named ${JSON.stringify(container)} in the registry: \`app-building ls --all\` lists the known ones.`,
      SDK_ERROR_CODES.unknownContainer,
    );
  }
  const client = createClient(state);
  const result: StopResult = {
    containerName: state.containerName,
    revision: null,
    pushed: null,
    pushError: null,
    pushBranch: state.pushBranch ?? null,
    recovery: null,
    alreadyGone: false,
  };
  const timeoutMs = options.timeoutMs ?? 120_000;
  // What the registry keeps of it; all that is left of a Fly container once its machine is destroyed.
  const outcome: ContainerOutcome = { ...NO_OUTCOME };
  let timedOut = false;
  try {
    const status = await client.status();
    result.revision = status.revision;
    result.pushBranch = status.pushBranch;
    outcome.totalCostUsd = status.totalCostUsd;
    const tail = await client.eventsTail();
    if (state.driver === "fly") Object.assign(outcome, await recentOutcome(client, tail).catch(() => ({})));
    const controller = new AbortController();
    const watching = (async () => {
      try {
        for await (const event of client.events({
          offset: tail,
          signal: controller.signal,
          reconnectTimeoutMs: 2_000,
        })) {
          const data = (event.data ?? {}) as Record<string, unknown>;
          if (event.kind === "git.pushed" && typeof data.revision === "string") {
            result.revision = data.revision;
            result.pushed = true;
            result.pushError = null;
          } else if (event.kind === "git.push_failed") {
            result.pushed = false;
            result.pushError = typeof data.error === "string" ? data.error : "the push failed";
          } else if (event.kind === "git.committed" && typeof data.revision === "string") {
            result.revision = data.revision;
          }
        }
      } catch (error) {
        if (!(error instanceof AppBuildingError)) throw error;
      }
    })();
    await client.stop();
    try {
      await client.waitForStopped({ timeoutMs });
    } finally {
      // The watcher ends by itself on "stopped" (the runtime lets its followers read to the end
      // before it exits) or once the runtime is gone; this bound only covers a runtime that hangs.
      const timer = setTimeout(() => controller.abort(), FINAL_EVENTS_MS);
      await watching;
      clearTimeout(timer);
    }
  } catch (error) {
    if (!(error instanceof ContainerGoneError)) {
      if (!(error instanceof AppBuildingError) || error.code !== SDK_ERROR_CODES.timeout) throw error;
      timedOut = true;
      if (result.pushed !== true) {
        result.pushed = false;
        result.pushError = `the container did not finish its stop (commit and push) within ${timeoutMs} ms, so it was removed before it could say whether its work was pushed`;
      }
    } else {
      result.alreadyGone = true;
      // A container that exited by itself (detached, or killed) says in its journal how its work ended.
      const left = await readStoppedContainer(state).catch(() => null);
      if (left !== null && left.source !== "none") {
        result.revision = left.revision;
        result.pushBranch = left.pushBranch ?? result.pushBranch;
        result.pushed = left.pushed;
        result.pushError = left.pushError;
        Object.assign(outcome, {
          lastMessage: left.lastMessage,
          totalCostUsd: left.totalCostUsd,
          stoppedCleanly: left.stoppedCleanly,
        });
      }
    }
  }
  if (result.pushed === false) result.recovery = recoveryFor(state, result.pushBranch);
  const driver = await loadDriver(state.driver);
  // A Docker container whose push failed holds the only copy of its commits: it is left stopped, not removed.
  const keep = result.pushed === false && state.driver === "docker" && state.workspaceDir === undefined;
  if (!keep) await driver.remove(config, state);
  await config.registry.markStopped(state.containerName, {
    ...outcome,
    revision: result.revision,
    pushBranch: result.pushBranch,
    // Nothing to push at stop: the last push before it (a message's own) tells.
    pushed: result.pushed ?? outcome.pushed,
    pushError: result.pushed === null ? outcome.pushError : result.pushError,
    stoppedCleanly: result.alreadyGone ? outcome.stoppedCleanly : !timedOut,
  });
  return result;
}

/**
 * Stops a Fly.io container: {@link stopContainer} for a remote state (the machine is
 * destroyed afterwards). Needs `config.flyToken`.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, stopRemoteContainer } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), flyToken: process.env.FLY_API_TOKEN, flyApp: "my-agents" };
 * const state = await config.registry.find("app-building-3f2a9c01d4");
 * if (state?.type === "remote") await stopRemoteContainer(config, state);
 * ```
 */
export async function stopRemoteContainer(
  config: ContainerConfig,
  state: AgentState,
  options: StopOptions = {},
): Promise<StopResult> {
  return stopContainer(config, { ...state, driver: "fly" }, options);
}
