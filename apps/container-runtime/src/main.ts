#!/usr/bin/env node
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { EnvError, writeReadyLine } from "@app-building/server-edge";
import { ERROR_CODES } from "@app-building/types";
import { loadConfig } from "./env.js";
import type { StartupErrorCode } from "./errors.js";
import { createApp } from "./http/app.js";
import { Followers } from "./http/followers.js";
import { wireRuntime } from "./wiring.js";

/** How long an exiting runtime waits for its followers to read the last events and log lines. */
const FOLLOWERS_DRAIN_MS = 5_000;
/** How long it then waits for the answers in flight to go out before it cuts the connections. */
const CONNECTIONS_DRAIN_MS = 2_000;
/** How long a SIGTERM or SIGINT gives the stop (interrupt, commit, push, webhooks) before the runtime exits anyway. */
const STOP_DEADLINE_MS = 30_000;

/** Config → database → services → app → listen; prints `{"ready":true,"port":N}` once listening. */
async function main(): Promise<void> {
  const config = loadConfig();
  let port = config.port;
  const services = wireRuntime(config, { runtimeUrl: () => `http://127.0.0.1:${port}` });
  const { runtime, journal, dispatcher, agentGroups } = services;
  try {
    await runtime.init();
  } catch (error) {
    agentGroups.killAll();
    throw error;
  }
  dispatcher?.start();
  const followers = { events: new Followers(journal.events), logs: new Followers(journal.logs) };
  const app = createApp({
    runtime,
    journal,
    followers,
    token: config.token,
    tasksToken: config.tasksToken,
    ownHostNames: config.ownHostNames,
    maxBodyBytes: config.maxBodyBytes,
  });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info: AddressInfo) => {
    port = info.port;
    journal.log("runtime", `listening on ${info.address}:${info.port}`);
    runtime.run();
    writeReadyLine(info.port);
  });

  let exiting = false;
  const exit = async (code: number): Promise<void> => {
    if (exiting) return;
    exiting = true;
    agentGroups.killAll();
    // Followers get the final events (container.state stopped) before the process goes.
    await Promise.all([followers.events.finish(FOLLOWERS_DRAIN_MS), followers.logs.finish(FOLLOWERS_DRAIN_MS)]);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CONNECTIONS_DRAIN_MS);
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    if ("closeAllConnections" in server) server.closeAllConnections();
    services.close();
    process.exit(code);
  };
  void runtime.exited.then(() => exit(0));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      runtime.stop();
      const timer = setTimeout(() => void exit(0), STOP_DEADLINE_MS);
      timer.unref();
    });
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const code: StartupErrorCode = error instanceof EnvError ? ERROR_CODES.invalidEnv : ERROR_CODES.startupFailed;
  process.stderr.write(`${JSON.stringify({ ready: false, error: code, message })}\n`);
  process.exit(1);
});
