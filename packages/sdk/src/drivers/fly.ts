import { containerStatusSchema } from "@app-building/types";
import { HttpWaitError, waitForHttp } from "@app-building/types/wait-for-http";
import {
  AppBuildingError,
  CapacityError,
  ConfigurationError,
  ContainerStartError,
  SDK_ERROR_CODES,
} from "../errors.js";
import { getImageRef } from "../image.js";
import type { AgentState, ContainerConfig, RepoOptions } from "../state.js";
import { readyTimeoutFor, type Driver, type StartOptions } from "./driver.js";
import { FlyMachinesApi, type FlyMachineInfo } from "./fly-api.js";
import { newContainerName, newContainerToken, portOf } from "./names.js";
import { runtimeEnv } from "./runtime-env.js";
import { existingWorkspace } from "./workspace-dir.js";

/** Metadata key every machine started by the SDK carries (value: the container name). */
export const FLY_METADATA_KEY = "app_building_container";

function credentials(config: ContainerConfig): { token: string; app: string } {
  const token = config.flyToken?.trim() ?? "";
  const app = config.flyApp?.trim() ?? "";
  if (token === "" || app === "") {
    throw new ConfigurationError(
      "The fly driver needs flyToken and flyApp (FLY_API_TOKEN and FLY_APP_NAME for the CLI): create a token with `fly tokens create deploy`.",
      SDK_ERROR_CODES.flyCredentialsMissing,
    );
  }
  return { token, app };
}

/** The Machines API client for a config (its base URL can point anywhere, e.g. a local stand-in). */
export function flyApiFor(config: ContainerConfig): FlyMachinesApi {
  return new FlyMachinesApi(credentials(config).token, config.fly?.apiBaseUrl);
}

/** Waits for the machine's runtime to answer `GET /health` (through the app URL and `fly-force-instance-id`), with a short backoff; says why it did not. */
async function waitForHealthy(baseUrl: string, machineId: string, timeoutMs: number): Promise<HttpWaitError | null> {
  const options = { timeoutMs, intervalMs: 20, maxIntervalMs: 500, headers: { "fly-force-instance-id": machineId } };
  try {
    await (await waitForHttp(`${baseUrl}/health`, options)).body?.cancel();
    return null;
  } catch (error) {
    if (error instanceof HttpWaitError) return error;
    throw error;
  }
}

/**
 * The `fly` driver: one Fly Machine per container through the Machines REST API. A region
 * without capacity makes it try the next one of `fly.regions`; transient API failures are
 * retried with backoff; a machine that never gets ready is destroyed. The container is
 * reached at the app's URL with `fly-force-instance-id`, and must answer with its own name.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, startRemoteContainer } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const repo = { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main", pushBranch: "agent/work" };
 * const flyToken = process.env.FLY_API_TOKEN;
 * const state = await startRemoteContainer({ ...config, flyToken, flyApp: "my-agents", fly: { regions: ["ord", "iad"] } }, repo);
 * ```
 */
export const flyDriver: Driver = {
  async start(config: ContainerConfig, repo: RepoOptions, options: StartOptions): Promise<AgentState> {
    await existingWorkspace(config, repo, "fly", ["process", "docker"]);
    const { app } = credentials(config);
    const timeoutMs = readyTimeoutFor(config, options);
    const api = flyApiFor(config);
    const containerName = newContainerName(config.namePrefix);
    const token = newContainerToken();
    const internalPort = config.fly?.internalPort ?? 3000;
    const baseUrl = (config.fly?.appBaseUrl ?? `https://${app}.fly.dev`).replace(/\/+$/, "");
    const env = { ...runtimeEnv({ config, repo, containerName, token }), PORT: String(internalPort) };
    const regions: (string | undefined)[] = config.fly?.regions?.length ? config.fly.regions : [undefined];
    let machine: FlyMachineInfo | null = null;
    let lastCapacity: CapacityError | null = null;
    for (const region of regions) {
      options.onProgress?.(`creating a machine${region === undefined ? "" : ` in ${region}`}`);
      try {
        machine = await api.create(app, {
          name: containerName,
          ...(region === undefined ? {} : { region }),
          config: {
            image: config.imageRef ?? getImageRef(),
            env,
            guest: config.fly?.guest ?? { cpu_kind: "shared", cpus: 2, memory_mb: 2048 },
            auto_destroy: true,
            restart: { policy: "no" },
            services: [
              { protocol: "tcp", internal_port: internalPort, ports: [{ port: 443, handlers: ["tls", "http"] }] },
            ],
            metadata: { [FLY_METADATA_KEY]: containerName },
          },
        });
        break;
      } catch (error) {
        if (error instanceof CapacityError) {
          lastCapacity = error;
          continue;
        }
        throw error;
      }
    }
    if (machine === null) {
      throw new ContainerStartError(
        `No region had capacity for the machine (tried ${regions.map((r) => r ?? "default").join(", ")}): add regions to fly.regions or try later.`,
        { cause: lastCapacity },
      );
    }
    // One budget for the machine's start and the runtime's first answer.
    const waitStarted = Date.now();
    const deadline = waitStarted + timeoutMs;
    const destroyAndFail = async (message: string, cause?: unknown): Promise<never> => {
      await api.destroy(app, machine.id).catch(() => undefined);
      throw new ContainerStartError(`${message}; machine ${machine.id} was destroyed`, { cause });
    };
    try {
      options.onProgress?.(`waiting for machine ${machine.id} to start`, { timeoutMs, elapsedMs: 0 });
      await api.waitFor(app, machine.id, "started", Math.ceil(timeoutMs / 1000));
    } catch (error) {
      if (error instanceof AppBuildingError) return destroyAndFail(`Machine ${machine.id} did not start`, error);
      throw error;
    }
    const remainingMs = Math.max(0, deadline - Date.now());
    options.onProgress?.("waiting for the runtime", { timeoutMs, elapsedMs: Date.now() - waitStarted });
    const unhealthy = await waitForHealthy(baseUrl, machine.id, remainingMs);
    if (unhealthy !== null) {
      return destroyAndFail(
        `The runtime on machine ${machine.id} did not answer within ${timeoutMs} ms (last attempt: ${unhealthy.lastAttempt})`,
        unhealthy,
      );
    }
    const status = await fetch(`${baseUrl}/status`, {
      headers: { authorization: `Bearer ${token}`, "fly-force-instance-id": machine.id },
      signal: AbortSignal.timeout(10_000),
    })
      .then(async (response) => containerStatusSchema.safeParse(await response.json()))
      .catch(() => null);
    if (status?.success !== true || status.data.containerName !== containerName) {
      return destroyAndFail(`Machine ${machine.id} answered, but not as ${containerName}`);
    }
    options.onProgress?.("ready");
    return {
      type: "remote",
      driver: "fly",
      containerName,
      baseUrl,
      port: portOf(baseUrl),
      token,
      startedAt: new Date().toISOString(),
      pushBranch: repo.pushBranch === "" ? undefined : repo.pushBranch,
      flyMachineId: machine.id,
      flyApp: app,
    };
  },

  async remove(config: ContainerConfig, state: AgentState): Promise<void> {
    if (state.flyMachineId === undefined) return;
    await flyApiFor(config).destroy(state.flyApp ?? credentials(config).app, state.flyMachineId);
  },
};
