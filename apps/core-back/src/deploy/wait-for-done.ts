import type { EventEmitter } from "node:events";
import { isTerminalStatus } from "@app-building/types";
import { DeployNotFoundError, DeployWaitTimeoutError } from "../errors.js";
import type { DeployRecord, DeployRepository } from "./repository.js";
import type { DeployEvents } from "./service-types.js";

/**
 * Resolves with the deploy once it is terminal: at once for a terminal row. Removes its
 * listener on every path (done, timeout, abort).
 *
 * @throws {DeployNotFoundError} for an unknown id.
 * @throws {DeployWaitTimeoutError} when `timeoutMs` passes first; the deploy goes on.
 */
export function waitForDone(
  events: EventEmitter<DeployEvents>,
  repository: DeployRepository,
  id: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<DeployRecord> {
  const row = repository.get(id);
  if (row === undefined) return Promise.reject(new DeployNotFoundError(id));
  if (isTerminalStatus(row.status)) return Promise.resolve(row);
  return new Promise<DeployRecord>((resolve, reject) => {
    const cleanup = (): void => {
      events.off("done", onDone);
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const onDone = (deploy: DeployRecord): void => {
      if (deploy.id !== id) return;
      cleanup();
      resolve(deploy);
    };
    const onAbort = (): void => {
      cleanup();
      reject(signal?.reason instanceof Error ? signal.reason : new Error("stopped waiting for the deploy"));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new DeployWaitTimeoutError(id, repository.get(id)?.status ?? "unknown", timeoutMs));
    }, timeoutMs);
    events.on("done", onDone);
    if (signal?.aborted === true) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
  });
}
