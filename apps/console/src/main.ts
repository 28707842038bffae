// The console's entry: env → deps → app → listen. `node dist/main.js`.
import { serve } from "@hono/node-server";
import type { Server } from "node:http";
import { fileURLToPath } from "node:url";
import { readReleaseId } from "@app-building/types";
import { createApp } from "./app.js";
import type { Containers } from "./containers.js";
import { CoreBackClient } from "./core-back.js";
import { loadConfig } from "./env.js";
import { createLogger } from "./logger.js";

/** Loads the SDK the first time a containers page needs it (it is not needed to start). */
function lazyContainers(registryPath: string): () => Promise<Containers> {
  let loading: Promise<Containers> | undefined;
  return () => {
    loading ??= import("@app-building/sdk").then((sdk) => ({
      registry: new sdk.FileContainerRegistry(registryPath),
      registryPath,
      createClient: sdk.createClient,
    }));
    return loading;
  };
}

function main(): void {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const containers = lazyContainers(config.registryPath);
  // The release this build belongs to: `release.json` at the root of the tree it runs from.
  const release = readReleaseId(fileURLToPath(new URL("../../..", import.meta.url)));
  const app = createApp({
    coreBack: new CoreBackClient({ baseUrl: config.coreBackUrl }),
    containers,
    logger,
    ownHostNames: config.ownHostNames,
    release,
  });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    process.stdout.write(`${JSON.stringify({ ready: true, port: info.port })}\n`);
    logger.info("console ready", { url: `http://${config.host}:${info.port}`, coreBack: config.coreBackUrl });
    // Warm the SDK after the ready line, so the first containers page does not wait for it.
    setImmediate(() => void containers().catch(() => undefined));
  }) as Server;
  server.on("error", (error) => {
    console.error(`console cannot listen on ${config.host}:${config.port}: ${error.message}`);
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info("console stopping", { signal });
    server.close(() => process.exit(0));
    // Live views (log follows, event streams) never end by themselves: cut them.
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

try {
  main();
} catch (error) {
  console.error(`console cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
