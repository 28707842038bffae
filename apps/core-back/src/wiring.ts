import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { BuildScopes } from "@app-building/types";
import type { Logger } from "pino";
import { createAuth, migrateAuth, resolveAuthSecret, type Auth } from "./auth/auth.js";
import { openDatabase, type Db } from "./db/database.js";
import { DeployRepository } from "./deploy/repository.js";
import { BuildRunner } from "./deploy/runner.js";
import { loadValidatedScopes } from "./deploy/scopes.js";
import { DeployService } from "./deploy/service.js";
import type { ReleaseOptions } from "./deploy/service-types.js";
import { Promotion } from "./deploy/promotion.js";
import { ReleaseStore } from "./deploy/releases/store.js";
import type { Config } from "./env.js";
import { SupervisorClient } from "./supervisor/client.js";

/** The pieces `main.ts` (and the CLI) build from a configuration. */
export interface Platform {
  db: Db;
  auth: Auth;
  service: DeployService;
}

/** Opens the database and Better-Auth (migrated). Shared by the server and the admin CLI. */
export async function openAuth(config: Config): Promise<{ db: Db; auth: Auth }> {
  // core-back's own folder (sessions, keys, the auth secret, deploy logs): this user's alone.
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  chmodSync(config.dataDir, 0o700);
  const db = openDatabase(config.dbPath);
  const auth = createAuth({
    db,
    secret: resolveAuthSecret(config.authSecret, join(config.dataDir, "auth-secret")),
    baseURL: config.authUrl,
    signInRateLimit: config.signInRateLimit,
  });
  await migrateAuth(auth);
  return { db, auth };
}

/**
 * Warns (without stopping: supervisord may be reconfigured later) when a scope restarts a
 * program supervisord does not know, or supervisord cannot be reached: every deploy of
 * that scope would end in phase restart.
 */
async function checkRestartPrograms(client: SupervisorClient, scopes: BuildScopes, logger: Logger): Promise<void> {
  try {
    const infos = (await client.call("supervisor.getAllProcessInfo")) as { name?: unknown }[];
    const known = new Set(infos.map((info) => info.name));
    for (const [scope, definition] of Object.entries(scopes.scopes)) {
      const unknown = definition.restart.filter((program) => !known.has(program));
      if (unknown.length > 0) {
        logger.warn(
          { scope, programs: unknown },
          "supervisord has no such program: deploys of this scope will fail to restart it",
        );
      }
    }
  } catch (error) {
    logger.warn(
      { err: error, socket: client.socketPath },
      "supervisord is not reachable: restarts will fail until it is",
    );
  }
}

/** Releases, when configured: the store, the gate, the self-restart watcher. */
function releaseOptions(config: Config, scopes: BuildScopes, client: SupervisorClient): ReleaseOptions | undefined {
  if (config.releasesDir === undefined) return undefined;
  const store = new ReleaseStore({ dir: config.releasesDir, keep: config.releasesKeep });
  const promotion = new Promotion({
    releases: store,
    control: client,
    checks: scopes.services,
    urls: config.serviceUrls,
    selfProgram: config.selfProgram,
    bootEntry: config.bootCheckEntry,
    env: config.childEnv,
  });
  return {
    store,
    promotion,
    workspaceDir: config.workspaceDir,
    env: config.childEnv,
    restartSelfWatched: (program, release, previous) =>
      client.restartSelf(program, [
        store.dir,
        release,
        previous ?? "-",
        config.serviceUrls[program] ?? `http://127.0.0.1:${config.port}`,
        JSON.stringify(scopes.services[program] ?? {}),
      ]),
  };
}

/** config → scopes (validated against the workspace) → db → services. */
export async function buildPlatform(config: Config, logger: Logger): Promise<Platform> {
  const scopes = await loadValidatedScopes({
    file: config.buildScopesFile,
    turboBin: config.turboBin,
    workspaceDir: config.workspaceDir,
    env: config.childEnv,
  });
  const restarter =
    config.supervisorSocket === undefined ? null : new SupervisorClient({ socketPath: config.supervisorSocket });
  if (restarter !== null) await checkRestartPrograms(restarter, scopes, logger);
  const { db, auth } = await openAuth(config);
  const releases = restarter === null ? undefined : releaseOptions(config, scopes, restarter);
  const service = new DeployService({
    repository: new DeployRepository(db),
    builder: new BuildRunner({
      turboBin: config.turboBin,
      workspaceDir: config.workspaceDir,
      env: config.childEnv,
      killGraceMs: config.killGraceMs,
      cacheDir: config.turboCacheDir,
    }),
    releases,
    restarter:
      config.supervisorSocket === undefined ? null : new SupervisorClient({ socketPath: config.supervisorSocket }),
    scopes,
    logDir: config.logDir,
    buildTimeoutMs: config.buildTimeoutMs,
    settleMs: config.settleMs,
    maxSettleMs: config.maxSettleMs,
    defaultMode: config.defaultMode,
    selfProgram: config.selfProgram,
    selfRestartDelayMs: config.selfRestartDelayMs,
    cancelWaitMs: config.killGraceMs + 10_000,
    logger,
  });
  await service.recover();
  return { db, auth, service };
}
