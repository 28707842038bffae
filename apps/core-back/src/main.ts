// core-back's entry: config → db → services → app → listen. `node dist/main.js`.
import { readOrCreateSecret, writeReadyLine } from "@app-building/server-edge";
import { createLogger } from "@app-building/server-edge/log";
import { createApp } from "./http/app.js";
import { loadConfig } from "./env.js";
import { listen } from "./server.js";
import { buildPlatform } from "./wiring.js";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger("core-back", config.logLevel);
  const { db, auth, service } = await buildPlatform(config, logger);
  let shuttingDown = false;
  const app = createApp({
    service,
    auth,
    logger,
    deployWaitMs: config.deployWaitMs,
    bodyLimitBytes: config.bodyLimitBytes,
    selfDeployToken: config.selfDeployToken ?? readOrCreateSecret(config.selfDeployTokenFile),
    ownHostNames: config.ownHostNames,
    release: config.release,
    isShuttingDown: () => shuttingDown,
  });
  const running = await listen(app, config.port, config.host, logger);
  logger.info(
    { mode: service.getMode(), workspace: config.workspaceDir, supervisor: config.supervisorSocket ?? null },
    "core-back ready: POST /api/v1/self/deploy, /deploy, GET /health",
  );
  writeReadyLine(running.port);

  const shutdown = async (signal: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info({ signal }, "shutting down: no new requests, running ones get a moment to finish");
    service.stopAccepting();
    await running.close(config.shutdownGraceMs, () => service.shutdown());
    await service.shutdown();
    db.close();
    logger.info("core-back stopped");
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => void shutdown(signal));
  }
}

main().catch((error: unknown) => {
  console.error(`core-back cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
