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

/** The reason an SDK call failed, in words for a page (never the token). */
export function describeContainerError(error: unknown, state: Pick<AgentState, "baseUrl">, timeoutMs?: number): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "TimeoutError" || name === "AbortError") {
    return timeoutMs === undefined
      ? `no answer from ${state.baseUrl} in time`
      : `no answer from ${state.baseUrl} within ${timeoutMs} ms`;
  }
  if (name === "ContainerGoneError") return `no answer from ${state.baseUrl}: the container is gone or not started`;
  if (name === "AuthenticationError")
    return "the container refused the registry's token: it was restarted under another token";
  if (error instanceof Error) return error.message;
  return String(error);
}
