import { setTimeout as sleep } from "node:timers/promises";
import { AppBuildingError, errorFromNetworkFailure, errorFromResponse, SDK_ERROR_CODES } from "../errors.js";
import { backoffDelay } from "../http/request.js";

/**
 * The Fly Machines API's base URL.
 *
 * @example
 * ```ts
 * import { DEFAULT_FLY_API_BASE_URL, FlyMachinesApi } from "@app-building/sdk";
 * const api = new FlyMachinesApi(process.env.FLY_API_TOKEN ?? "", process.env.FLY_API_BASE_URL ?? DEFAULT_FLY_API_BASE_URL);
 * console.log((await api.list("my-agents")).length);
 * ```
 */
export const DEFAULT_FLY_API_BASE_URL = "https://api.machines.dev/v1";

/**
 * One Fly machine as the Machines API lists it.
 *
 * @example
 * ```ts
 * import { listMachines, type FlyMachineInfo } from "@app-building/sdk";
 * function stoppedAndOld(machine: FlyMachineInfo): boolean {
 *   const ageMs = machine.createdAt === null ? 0 : Date.now() - Date.parse(machine.createdAt);
 *   return machine.state === "stopped" && ageMs > 24 * 3_600_000;
 * }
 * const machines = await listMachines("my-agents", process.env.FLY_API_TOKEN ?? "");
 * for (const machine of machines.filter(stoppedAndOld)) console.log(machine.id, machine.name, machine.region);
 * ```
 */
export interface FlyMachineInfo {
  id: string;
  name: string;
  state: string;
  region: string | null;
  createdAt: string | null;
  metadata: Record<string, string>;
}

/**
 * The body of `POST /apps/{app}/machines`.
 *
 * @example
 * ```ts
 * import { FlyMachinesApi, type FlyMachineCreate } from "@app-building/sdk";
 * const api = new FlyMachinesApi(process.env.FLY_API_TOKEN ?? "");
 * const body: FlyMachineCreate = {
 *   name: "agent-1",
 *   region: "ord",
 *   config: { image: "registry.fly.io/agents:v1", env: { AGENT: "claude" }, auto_destroy: true },
 * };
 * const machine = await api.create("my-agents", body);
 * await api.waitFor("my-agents", machine.id, "started");
 * ```
 */
export interface FlyMachineCreate {
  name: string;
  region?: string;
  config: {
    image: string;
    env: Record<string, string>;
    guest?: { cpu_kind: string; cpus: number; memory_mb: number };
    auto_destroy?: boolean;
    restart?: { policy: string };
    services?: { protocol: string; internal_port: number; ports: { port: number; handlers: string[] }[] }[];
    metadata?: Record<string, string>;
  };
}

function toInfo(raw: Record<string, unknown>): FlyMachineInfo {
  const config = (raw.config ?? {}) as { metadata?: Record<string, string> };
  return {
    id: String(raw.id),
    name: typeof raw.name === "string" ? raw.name : "",
    state: typeof raw.state === "string" ? raw.state : "unknown",
    region: typeof raw.region === "string" ? raw.region : null,
    createdAt: typeof raw.created_at === "string" ? raw.created_at : null,
    metadata: config.metadata ?? {},
  };
}

/**
 * A small client of the Fly Machines REST API. Transient failures (no answer, 5xx,
 * `MANIFEST_UNKNOWN` while a pushed image propagates) are retried with backoff; capacity
 * errors are left to the caller, who retries in another region.
 *
 * @example
 * ```ts
 * import { FlyMachinesApi } from "@app-building/sdk";
 * const api = new FlyMachinesApi(process.env.FLY_API_TOKEN ?? "");
 * const machines = await api.list("my-agents");
 * ```
 */
export class FlyMachinesApi {
  private readonly baseUrl: string;

  constructor(
    private readonly token: string,
    baseUrl: string = DEFAULT_FLY_API_BASE_URL,
    private readonly retries = 4,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, "");
  }

  /** Creates a machine; resolves with its id. */
  async create(app: string, body: FlyMachineCreate): Promise<FlyMachineInfo> {
    return toInfo((await this.call("POST", `/apps/${app}/machines`, body)) as Record<string, unknown>);
  }

  /** Waits until the machine reaches `state` (the API answers 408 after `timeoutS`). */
  async waitFor(app: string, id: string, state: string, timeoutS = 60): Promise<void> {
    await this.call("GET", `/apps/${app}/machines/${id}/wait?state=${state}&timeout=${timeoutS}`, undefined, 0);
  }

  /** One machine. */
  async get(app: string, id: string): Promise<FlyMachineInfo> {
    return toInfo((await this.call("GET", `/apps/${app}/machines/${id}`)) as Record<string, unknown>);
  }

  /** Machines of an app, optionally filtered by metadata. */
  async list(app: string, metadata: Record<string, string> = {}): Promise<FlyMachineInfo[]> {
    const query = new URLSearchParams(
      Object.entries(metadata).map(([k, v]): [string, string] => [`metadata.${k}`, v]),
    ).toString();
    const body = await this.call("GET", `/apps/${app}/machines${query === "" ? "" : `?${query}`}`);
    return Array.isArray(body) ? body.map((raw) => toInfo(raw as Record<string, unknown>)) : [];
  }

  /** Stops a machine. */
  async stop(app: string, id: string): Promise<void> {
    await this.call("POST", `/apps/${app}/machines/${id}/stop`, {});
  }

  /** Destroys a machine (forced: also a running one). A machine already gone is fine. */
  async destroy(app: string, id: string): Promise<void> {
    try {
      await this.call("DELETE", `/apps/${app}/machines/${id}?force=true`);
    } catch (error) {
      if (error instanceof AppBuildingError && error.status === 404) return;
      throw error;
    }
  }

  private async call(method: string, path: string, body?: unknown, retries = this.retries): Promise<unknown> {
    const url = `${this.baseUrl}${path}`;
    const label = `${method} ${url}`;
    for (let attempt = 0; ; attempt += 1) {
      let error: AppBuildingError;
      try {
        const response = await fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: "application/json",
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(90_000),
        });
        const text = await response.text();
        if (response.ok) return text === "" ? null : (JSON.parse(text) as unknown);
        error = errorFromResponse({ status: response.status, bodyText: text, request: label });
      } catch (caught) {
        error = caught instanceof AppBuildingError ? caught : errorFromNetworkFailure(caught, label);
      }
      if (!error.retryable || error.code === SDK_ERROR_CODES.insufficientCapacity || attempt >= retries) throw error;
      await sleep(backoffDelay(attempt + 1) * 2);
    }
  }
}

/**
 * Lists the machines of a Fly app.
 *
 * @example
 * ```ts
 * import { listMachines } from "@app-building/sdk";
 * for (const machine of await listMachines("my-agents", process.env.FLY_API_TOKEN ?? "")) {
 *   console.log(machine.id, machine.state);
 * }
 * ```
 */
export async function listMachines(
  app: string,
  token: string,
  options: { apiBaseUrl?: string; metadata?: Record<string, string> } = {},
): Promise<FlyMachineInfo[]> {
  return new FlyMachinesApi(token, options.apiBaseUrl).list(app, options.metadata);
}
