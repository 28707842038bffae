#!/usr/bin/env node
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { killAllAgentGroups } from "./agents/process.js";
import { EnvError, loadConfig } from "./env.js";
import { createApp } from "./http/app.js";
import { createServices } from "./services.js";

/** Config → database → services → app → listen; prints `{"ready":true,"port":N}` once listening. */
async function main(): Promise<void> {
  const config = loadConfig();
  let port = config.port;
  const services = createServices(config, { runtimeUrl: () => `http://127.0.0.1:${port}` });
  const { runtime, journal, dispatcher } = services;
  await runtime.init();
  dispatcher?.start();
  const app = createApp({ runtime, journal, token: config.token, maxBodyBytes: config.maxBodyBytes });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info: AddressInfo) => {
    port = info.port;
    journal.log("runtime", `listening on ${info.address}:${info.port}`);
    runtime.run();
    process.stdout.write(`${JSON.stringify({ ready: true, port: info.port })}\n`);
  });

  let exiting = false;
  const exit = (code: number): void => {
    if (exiting) return;
    exiting = true;
    killAllAgentGroups();
    server.close();
    if ("closeAllConnections" in server) server.closeAllConnections();
    services.close();
    process.exit(code);
  };
  void runtime.exited.then(() => exit(0));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      runtime.stop();
      const timer = setTimeout(() => exit(0), 30_000);
      timer.unref();
    });
  }
}

main().catch((error: unknown) => {
  killAllAgentGroups();
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `${JSON.stringify({ ready: false, error: error instanceof EnvError ? "invalid_env" : "startup_failed", message })}\n`,
  );
  process.exit(1);
});
