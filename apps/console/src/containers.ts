import type { AgentState, ContainerClient, ContainerRegistry } from "@app-building/sdk";

/**
 * What the containers pages need from the SDK: the registry of started containers and a
 * way to make a client for one. `main.ts` loads the SDK on first use, so the console
 * starts without it.
 */
export interface Containers {
  registry: ContainerRegistry;
  /** The registry file, shown on the list page. */
  registryPath: string;
  createClient(state: AgentState): ContainerClient;
}

/**
 * The stable codes of the SDK's errors the pages explain (`AppBuildingError.code`, which
 * the SDK documents as the thing to match on). The SDK is loaded on first use, so the
 * console matches codes rather than importing its classes at start.
 */
const SDK_CODES = { timeout: "timeout", gone: "container_gone", unauthorized: "unauthorized" } as const;

/**
 * Whether an abort signal ended the call: Node's and the DOM's `AbortError` and
 * `AbortSignal.timeout()`'s `TimeoutError` are told apart by name only.
 */
function isAborted(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/** The reason an SDK call failed, in words for a page (never the token). */
export function describeContainerError(error: unknown, state: Pick<AgentState, "baseUrl">, timeoutMs?: number): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === SDK_CODES.timeout || isAborted(error)) {
    return timeoutMs === undefined
      ? `no answer from ${state.baseUrl} in time`
      : `no answer from ${state.baseUrl} within ${timeoutMs} ms`;
  }
  if (code === SDK_CODES.gone) return `no answer from ${state.baseUrl}: the container is gone or not started`;
  if (code === SDK_CODES.unauthorized)
    return "the container refused the registry's token: it was restarted under another token";
  if (error instanceof Error) return error.message;
  return String(error);
}
