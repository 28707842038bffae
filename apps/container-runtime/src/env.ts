import { resolve } from "node:path";
import { agentKindSchema, type AgentKind } from "@app-building/types";
import { EnvError, flag, nameList, newToken, optionalText, parseEnv, port } from "@app-building/server-edge";
import { z } from "zod";
import { secretValuesFromEnv } from "./redact.js";
import { secretFormat } from "./webhooks/signing.js";

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The environment the runtime reads, once, at start-up. */
export const envSchema = z.object({
  PORT: port(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  CONTAINER_NAME: z.string().min(1).default("agent"),
  CONTAINER_TOKEN: optionalText,
  TASKS_TOKEN: optionalText,
  ALLOWED_HOSTS: nameList,
  REPO_URL: optionalText,
  CLONE_BRANCH: optionalText,
  PUSH_BRANCH: optionalText,
  NO_COMMIT: flag,
  GIT_AUTHOR_NAME: z.string().min(1).default("app-building agent"),
  GIT_AUTHOR_EMAIL: z.string().min(1).default("agent@app-building.local"),
  GIT_TOKEN: optionalText,
  GIT_PUSH_ATTEMPTS: positiveInt(3),
  GIT_RETRY_BASE_MS: positiveInt(500),
  WEBHOOK_URL: optionalText.pipe(z.url().optional()),
  WEBHOOK_SECRET: optionalText.superRefine((value, ctx) => {
    if (value === undefined) return;
    try {
      secretFormat(value);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
    }
  }),
  WEBHOOK_BEARER_TOKEN: optionalText,
  WEBHOOK_MAX_ATTEMPTS: positiveInt(12),
  WEBHOOK_RETRY_BASE_MS: positiveInt(500),
  WEBHOOK_RETRY_MAX_MS: positiveInt(60_000),
  WEBHOOK_TIMEOUT_MS: positiveInt(10_000),
  DETACHED: flag,
  INITIAL_PROMPT: optionalText,
  AGENT: agentKindSchema.default("claude"),
  AGENT_COMMAND: optionalText,
  AGENT_PROMPT_MODE: z.enum(["auto", "arg", "stdin"]).default("auto"),
  CLAUDE_BIN: optionalText,
  CODEX_BIN: optionalText,
  MODEL: optionalText,
  TURN_TIMEOUT_MS: positiveInt(60 * 60_000),
  DATA_DIR: z.string().min(1).default("/data"),
  WORKSPACE_DIR: z.string().min(1).default("/workspace"),
  /** The SDK's per-user state folder (its registry, other containers' folders): never committed, even inside the workspace. */
  STATE_DIR: optionalText,
  SECRET_ENV_NAMES: optionalText,
  TASK_MAX_ATTEMPTS: positiveInt(3),
  MAX_BODY_BYTES: positiveInt(1_048_576),
});

/** The runtime's configuration, derived from the environment. */
export interface Config {
  port: number;
  host: string;
  containerName: string;
  /** Bearer token every route but `GET /health` requires; `undefined` leaves the API open (local use only). */
  token: string | undefined;
  /**
   * The agent's own token, allowed on the `/tasks` routes only: handed to the agent as
   * `APP_BUILDING_TASKS_TOKEN` (`TASKS_TOKEN`, or a new one each start).
   */
  tasksToken: string;
  /** Host names besides loopback literals and `localhost` that requests may name (`ALLOWED_HOSTS`). */
  ownHostNames: string[];
  git: {
    repoUrl: string | undefined;
    cloneBranch: string | undefined;
    pushBranch: string | undefined;
    /** False (`NO_COMMIT=1`): the agent works on the checkout, but nothing is committed or pushed. */
    commit: boolean;
    authorName: string;
    authorEmail: string;
    token: string | undefined;
    pushAttempts: number;
    retryBaseMs: number;
  };
  webhook: {
    url: string | undefined;
    /** The signing key; never sent anywhere. */
    secret: string | undefined;
    /** Sent as `Authorization: Bearer` to the receiver when set. */
    bearerToken: string | undefined;
    maxAttempts: number;
    retryBaseMs: number;
    retryMaxMs: number;
    timeoutMs: number;
  };
  detached: boolean;
  initialPrompt: string | undefined;
  agent: AgentKind;
  agentCommand: string | undefined;
  agentPromptMode: "auto" | "arg" | "stdin";
  claudeBin: string | undefined;
  codexBin: string | undefined;
  model: string | undefined;
  turnTimeoutMs: number;
  dataDir: string;
  workspaceDir: string;
  /** The runtime's own files and folders (its data folder, its output, the SDK's state folder): never committed. */
  ownPaths: string[];
  taskMaxAttempts: number;
  maxBodyBytes: number;
  /** Secret values replaced by `[REDACTED]` in events, logs and webhooks. */
  secrets: string[];
  /** The environment handed to the agent process: the runtime's own secrets removed. */
  agentEnv: Record<string, string>;
}

/** Variables the agent process never sees: they belong to the runtime. */
const RUNTIME_ONLY = ["CONTAINER_TOKEN", "TASKS_TOKEN", "GIT_TOKEN", "WEBHOOK_SECRET", "WEBHOOK_BEARER_TOKEN"];

/**
 * Parses the environment into a {@link Config}, or throws an {@link EnvError} naming every
 * bad variable.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e = parseEnv(envSchema, env, "environment");
  if (e.AGENT === "command" && e.AGENT_COMMAND === undefined) {
    throw new EnvError("invalid environment: AGENT_COMMAND: required when AGENT=command");
  }
  const secretNames = (e.SECRET_ENV_NAMES ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  const tasksToken = e.TASKS_TOKEN ?? newToken();
  const agentEnv: Record<string, string> = { APP_BUILDING_TASKS_TOKEN: tasksToken };
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !RUNTIME_ONLY.includes(name)) agentEnv[name] = value;
  }
  return {
    port: e.PORT,
    host: e.HOST,
    containerName: e.CONTAINER_NAME,
    token: e.CONTAINER_TOKEN,
    tasksToken,
    ownHostNames: e.ALLOWED_HOSTS,
    git: {
      repoUrl: e.REPO_URL,
      cloneBranch: e.CLONE_BRANCH,
      pushBranch: e.PUSH_BRANCH,
      commit: !e.NO_COMMIT,
      authorName: e.GIT_AUTHOR_NAME,
      authorEmail: e.GIT_AUTHOR_EMAIL,
      token: e.GIT_TOKEN,
      pushAttempts: e.GIT_PUSH_ATTEMPTS,
      retryBaseMs: e.GIT_RETRY_BASE_MS,
    },
    webhook: {
      url: e.WEBHOOK_URL,
      secret: e.WEBHOOK_SECRET,
      bearerToken: e.WEBHOOK_BEARER_TOKEN,
      maxAttempts: e.WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    },
    detached: e.DETACHED,
    initialPrompt: e.INITIAL_PROMPT,
    agent: e.AGENT,
    agentCommand: e.AGENT_COMMAND,
    agentPromptMode: e.AGENT_PROMPT_MODE,
    claudeBin: e.CLAUDE_BIN,
    codexBin: e.CODEX_BIN,
    model: e.MODEL,
    turnTimeoutMs: e.TURN_TIMEOUT_MS,
    dataDir: resolve(e.DATA_DIR),
    workspaceDir: resolve(e.WORKSPACE_DIR),
    // The SDK's process driver writes the runtime's output beside it, in the folder it starts it in.
    ownPaths: [
      resolve(e.DATA_DIR),
      resolve("runtime.out"),
      resolve("runtime.err"),
      ...(e.STATE_DIR === undefined ? [] : [resolve(e.STATE_DIR)]),
    ],
    taskMaxAttempts: e.TASK_MAX_ATTEMPTS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    secrets: [...new Set([...secretValuesFromEnv(env, secretNames), tasksToken])],
    agentEnv,
  };
}
