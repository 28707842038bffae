import { containerStatusSchema } from "@app-building/types";
import type { AgentState } from "../state.js";
import { httpOptsFor } from "../http/options.js";

/**
 * True when the container answers `GET /status` in time with its own name. A different
 * machine behind the same address (another Fly machine of the same app, a new process on
 * a reused port) does not pass.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, probeAlive } from "@app-building/sdk";
 * for (const state of await new FileContainerRegistry().findAlive()) {
 *   if (!(await probeAlive(state))) console.log(`${state.containerName} is gone`);
 * }
 * ```
 */
export async function probeAlive(state: AgentState, timeoutMs = 3_000): Promise<boolean> {
  try {
    const response = await fetch(`${state.baseUrl}/status`, {
      headers: httpOptsFor(state).headers,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return false;
    }
    const status = containerStatusSchema.safeParse(await response.json());
    return status.success && status.data.containerName === state.containerName && status.data.state !== "stopped";
  } catch {
    return false;
  }
}
