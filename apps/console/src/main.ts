// The console's entry: env → wiring → app → listen. `node dist/main.js`.
import { serve } from "@hono/node-server";
import type { Server } from "node:http";
import { writeReadyLine } from "@app-building/server-edge";
import { createLogger } from "@app-building/server-edge/log";
import { createApp } from "./app.js";
import { loadConfig } from "./env.js";
import { wireConsole } from "./wiring.js";

function main(): void {
  const config = loadConfig();
  const logger = createLogger("console", config.logLevel);
  const deps = wireConsole(config, logger);
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    writeReadyLine(info.port);
    logger.info({ url: `http://${config.host}:${info.port}`, coreBack: config.coreBackUrl }, "console ready");
    // Warm the SDK after the ready line, so the first containers page does not wait for it.
    setImmediate(() => void deps.containers().catch(() => undefined));
  }) as Server;
  server.on("error", (error) => {
    console.error(`console cannot listen on ${config.host}:${config.port}: ${error.message}`);
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "console stopping");
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
