import { existsSync } from "node:fs";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { deployModeSchema, readReleaseId } from "@app-building/types";
import { EnvError, int, nameList, optionalText, parseEnv } from "@app-building/server-edge";
import { z } from "zod";

/** The workspace root, seen from this file (`apps/core-back/{src,dist}/env.*`). */
const DEFAULT_WORKSPACE = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

const envSchema = z.object({
  PORT: int(4000).pipe(z.number().max(65535)),
  HOST: z.string().min(1).default("127.0.0.1"),
  WORKSPACE_DIR: z.string().min(1).default(DEFAULT_WORKSPACE),
  CORE_BACK_DATA_DIR: optionalText,
  BUILD_SCOPES_FILE: optionalText,
  TURBO_BIN: optionalText,
  DEPLOY_MODE: deployModeSchema.default("restricted"),
  BUILD_TIMEOUT_MS: int(540_000, 1),
  DEPLOY_WAIT_MS: int(570_000, 1),
  DEPLOY_SETTLE_MS: int(10),
  DEPLOY_SETTLE_MAX_MS: int(250),
  KILL_GRACE_MS: int(5_000, 1),
  SUPERVISOR_SOCKET: optionalText,
  RELEASES_DIR: optionalText,
  RELEASES_KEEP: int(3),
  TURBO_CACHE_DIR: optionalText,
  BOOT_CHECK_ENTRY: z.string().min(1).default("apps/core-back/dist/main.js"),
  /** `name=url` pairs, comma-separated: where each restarted service answers. */
  SERVICE_URLS: optionalText,
  SELF_PROGRAM: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default("core-back"),
  SELF_RESTART_DELAY_MS: int(500),
  BETTER_AUTH_SECRET: optionalText.pipe(z.string().min(32, "use at least 32 characters").optional()),
  BETTER_AUTH_URL: optionalText.pipe(z.url().optional()),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SHUTDOWN_GRACE_MS: int(10_000),
  BODY_LIMIT_BYTES: int(16 * 1024, 1),
  SELF_DEPLOY_TOKEN: optionalText.pipe(z.string().min(16, "use at least 16 characters").optional()),
  ALLOWED_HOSTS: nameList,
  SIGN_IN_RATE_WINDOW_S: int(60, 1),
  SIGN_IN_RATE_MAX: int(10, 1),
});

/** core-back's configuration, read once from the environment. */
export interface Config {
  port: number;
  host: string;
  workspaceDir: string;
  dataDir: string;
  dbPath: string;
  logDir: string;
  buildScopesFile: string;
  turboBin: string;
  /** The deploy mode until an admin sets one (the stored mode wins). */
  defaultMode: z.infer<typeof deployModeSchema>;
  buildTimeoutMs: number;
  /** How long a blocking self-deploy waits before answering `504 deploy_timeout`. */
  deployWaitMs: number;
  /** The settle window: quiet (idle event loop) time after the last joining request before a build starts. */
  settleMs: number;
  /** The longest a settle window may last. */
  maxSettleMs: number;
  killGraceMs: number;
  /** supervisord's socket; without it, restarts are skipped (and logged). */
  supervisorSocket: string | undefined;
  selfProgram: string;
  selfRestartDelayMs: number;
  /** `<data>/releases`: deploys build new releases there; without it, builds run in the workspace. */
  releasesDir: string | undefined;
  /** Known-good releases kept besides the live one. */
  releasesKeep: number;
  /** core-back's entry inside a release, booted on a spare port before a release is promoted. */
  bootCheckEntry: string;
  /** turbo's cache, shared by the releases' builds. */
  turboCacheDir: string | undefined;
  /** Where each supervised service answers (its own URL included). */
  serviceUrls: Record<string, string>;
  /** The release this process runs, from the `release.json` at its root; null in a plain checkout. */
  release: string | null;
  /** `undefined`: a secret is generated once and kept in the data dir. */
  authSecret: string | undefined;
  authUrl: string;
  logLevel: string;
  shutdownGraceMs: number;
  bodyLimitBytes: number;
  /** The token `POST /api/v1/self/deploy` requires; `undefined`: one is made once and kept in `selfDeployTokenFile`. */
  selfDeployToken: string | undefined;
  /** Where the self-deploy token is kept (0600), for the start command to hand to the platform's agent. */
  selfDeployTokenFile: string;
  /** Host names besides loopback literals and `localhost` that requests may name (the `Host` rule). */
  ownHostNames: string[];
  /** Sign-in attempts allowed per account and client within the window (seconds). */
  signInRateLimit: { windowSeconds: number; max: number };
  /** The environment builds run with (a snapshot taken here, once). */
  childEnv: Record<string, string | undefined>;
}

/**
 * Parses and validates the environment. The only place core-back reads `process.env`.
 *
 * @throws {EnvError} naming every invalid variable.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const env = parseEnv(envSchema, source, "core-back environment");
  const authUrl = env.BETTER_AUTH_URL ?? `http://127.0.0.1:${env.PORT}`;
  const workspaceDir = resolve(env.WORKSPACE_DIR);
  const dataDir = resolve(env.CORE_BACK_DATA_DIR ?? join(workspaceDir, ".data", "core-back"));
  return {
    port: env.PORT,
    host: env.HOST,
    workspaceDir,
    dataDir,
    dbPath: join(dataDir, "core-back.db"),
    logDir: join(dataDir, "deploy-logs"),
    buildScopesFile: resolve(env.BUILD_SCOPES_FILE ?? join(workspaceDir, "build-scopes.json")),
    turboBin: resolve(env.TURBO_BIN ?? join(workspaceDir, "node_modules", ".bin", "turbo")),
    defaultMode: env.DEPLOY_MODE,
    buildTimeoutMs: env.BUILD_TIMEOUT_MS,
    deployWaitMs: env.DEPLOY_WAIT_MS,
    settleMs: env.DEPLOY_SETTLE_MS,
    maxSettleMs: env.DEPLOY_SETTLE_MAX_MS,
    killGraceMs: env.KILL_GRACE_MS,
    supervisorSocket: env.SUPERVISOR_SOCKET,
    selfProgram: env.SELF_PROGRAM,
    selfRestartDelayMs: env.SELF_RESTART_DELAY_MS,
    releasesDir: env.RELEASES_DIR === undefined ? undefined : resolve(env.RELEASES_DIR),
    releasesKeep: env.RELEASES_KEEP,
    bootCheckEntry: env.BOOT_CHECK_ENTRY,
    turboCacheDir:
      env.TURBO_CACHE_DIR === undefined
        ? env.RELEASES_DIR === undefined
          ? undefined
          : join(resolve(env.RELEASES_DIR), "..", "turbo-cache")
        : resolve(env.TURBO_CACHE_DIR),
    serviceUrls: {
      [env.SELF_PROGRAM]: `http://127.0.0.1:${env.PORT}`,
      ...parseServiceUrls(env.SERVICE_URLS),
    },
    release: readReleaseId(DEFAULT_WORKSPACE),
    authSecret: env.BETTER_AUTH_SECRET,
    authUrl,
    logLevel: env.LOG_LEVEL,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    selfDeployToken: env.SELF_DEPLOY_TOKEN,
    selfDeployTokenFile: join(dataDir, "self-deploy.token"),
    ownHostNames: [...new Set([new URL(authUrl).hostname.replace(/^\[|\]$/g, ""), ...env.ALLOWED_HOSTS])],
    signInRateLimit: { windowSeconds: env.SIGN_IN_RATE_WINDOW_S, max: env.SIGN_IN_RATE_MAX },
    childEnv: {
      ...source,
      // Builds run code an agent may have written: core-back's own credentials stay out.
      SELF_DEPLOY_TOKEN: undefined,
      BETTER_AUTH_SECRET: undefined,
      PATH: buildPath(workspaceDir, source.PATH),
    },
  };
}

/** `console=http://127.0.0.1:4001,...` → `{ console: "http://127.0.0.1:4001" }`. */
function parseServiceUrls(text: string | undefined): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const pair of (text ?? "").split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    const url = pair.slice(at + 1).trim();
    if (!URL.canParse(url)) throw new EnvError(`SERVICE_URLS: "${url}" is not a URL`);
    urls[pair.slice(0, at).trim()] = url.replace(/\/$/, "");
  }
  return urls;
}

/**
 * The PATH builds run with: the workspace's pinned tools (`.tools/bin`, where the setup
 * installs pnpm, which turbo needs to run tasks) and `node_modules/.bin` come first, so a
 * deploy works under supervisord whatever PATH that was started with.
 */
function buildPath(workspaceDir: string, path: string | undefined): string {
  const extra = [join(workspaceDir, ".tools", "bin"), join(workspaceDir, "node_modules", ".bin")].filter((dir) =>
    existsSync(dir),
  );
  return [...extra, ...(path === undefined || path === "" ? [] : [path])].join(delimiter);
}
