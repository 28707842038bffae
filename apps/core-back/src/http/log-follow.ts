import { once } from "node:events";
import { open } from "node:fs/promises";
import type { Response } from "express";
import type { DeployService } from "../deploy/service.js";
import { isTerminalStatus } from "@app-building/types";

const CHUNK = 64 * 1024;

/**
 * Streams a deploy's log as it grows, until the deploy is terminal and every byte is
 * sent. Stops when the client goes away; leaves no listener behind.
 */
export async function followLog(
  service: DeployService,
  deployId: string,
  logPath: string,
  res: Response,
  pollMs = 200,
): Promise<void> {
  let closed = false;
  const onClose = (): void => {
    closed = true;
  };
  res.on("close", onClose);
  const buffer = Buffer.allocUnsafe(CHUNK);
  let offset = 0;
  const handle = await open(logPath, "r").catch(() => undefined);
  try {
    for (;;) {
      const terminal = isTerminalStatus(service.get(deployId)?.status ?? "ok");
      if (handle !== undefined) {
        for (;;) {
          const { bytesRead } = await handle.read(buffer, 0, CHUNK, offset);
          if (bytesRead === 0 || closed) break;
          offset += bytesRead;
          if (!res.write(Buffer.from(buffer.subarray(0, bytesRead)))) await once(res, "drain");
        }
      }
      if (terminal || closed) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollMs);
        function done(): void {
          clearTimeout(timer);
          service.off("done", onDone);
          resolve();
        }
        function onDone(deploy: { id: string }): void {
          if (deploy.id === deployId) done();
        }
        service.on("done", onDone);
      });
    }
  } finally {
    res.off("close", onClose);
    await handle?.close();
  }
  if (!closed) res.end();
}
