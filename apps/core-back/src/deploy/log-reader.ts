import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { isTerminalStatus, type DeployStatus } from "@app-building/types";

const CHUNK = 64 * 1024;

/** Where following a log learns whether its deploy ended, and when it does (the deploy service). */
export interface DeploySource {
  get(id: string): { status: DeployStatus } | undefined;
  on(event: "done", listener: (deploy: { id: string }) => void): unknown;
  off(event: "done", listener: (deploy: { id: string }) => void): unknown;
}

/** A deploy's log as it is now, chunk by chunk. A log not written yet reads as empty. */
export async function* readLogFile(path: string): AsyncGenerator<Buffer> {
  const stream = createReadStream(path);
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  } finally {
    stream.destroy();
  }
}

/**
 * A deploy's log as it grows, chunk by chunk, until the deploy is terminal and every byte
 * was read. `signal` ends it early (the reader went away); it leaves no listener behind.
 */
export async function* followLogFile(
  path: string,
  deployId: string,
  deploys: DeploySource,
  options: { signal?: AbortSignal; pollMs?: number } = {},
): AsyncGenerator<Buffer> {
  const { signal, pollMs = 200 } = options;
  const buffer = Buffer.allocUnsafe(CHUNK);
  let offset = 0;
  const handle = await open(path, "r").catch(() => undefined);
  try {
    for (;;) {
      const terminal = isTerminalStatus(deploys.get(deployId)?.status ?? "ok");
      if (handle !== undefined) {
        for (;;) {
          const { bytesRead } = await handle.read(buffer, 0, CHUNK, offset);
          if (bytesRead === 0 || signal?.aborted === true) break;
          offset += bytesRead;
          yield Buffer.from(buffer.subarray(0, bytesRead));
        }
      }
      if (terminal || signal?.aborted === true) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollMs);
        deploys.on("done", onDone);
        signal?.addEventListener("abort", done, { once: true });
        function done(): void {
          clearTimeout(timer);
          deploys.off("done", onDone);
          signal?.removeEventListener("abort", done);
          resolve();
        }
        function onDone(deploy: { id: string }): void {
          if (deploy.id === deployId) done();
        }
      });
    }
  } finally {
    await handle?.close();
  }
}
