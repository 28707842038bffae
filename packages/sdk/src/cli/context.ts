import { AGENT_ENVIRONMENT_VARIABLES } from "@app-building/types";
import { resolve } from "node:path";
import { defaultStateDir } from "../paths/state-dir.js";
import { openRegistry, registryLocation, type RegistryLocation } from "../registry/default.js";
import type { ContainerConfig, DriverName } from "../state.js";
import { UsageError } from "./exit-codes.js";

/**
 * Environment variables passed on to the runtime when set (no driver passes on the rest of
 * the CLI's environment): the agents' credentials and model settings, and the runtime's own.
 */
const FORWARDED = [...AGENT_ENVIRONMENT_VARIABLES, "GIT_TOKEN", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "AGENT_COMMAND"];

/** What the CLI reads from its environment, once. */
export interface CliEnvironment {
  cwd: string;
  /** The per-user state folder (`APP_BUILDING_STATE_DIR`, else the XDG state dir): registry and container folders. */
  stateDir: string;
  /** The registry: `APP_BUILDING_REGISTRY`, else the state folder's (read with an older `./.container-registry.jsonl`). */
  registry: RegistryLocation;
  flyToken: string | undefined;
  flyApp: string | undefined;
  flyApiBaseUrl: string | undefined;
  flyAppBaseUrl: string | undefined;
  imageRef: string | undefined;
  forwarded: Record<string, string>;
  isTTY: boolean;
}

/** Reads the CLI's environment (the only place the CLI reads `process.env`). */
export function readCliEnvironment(env: NodeJS.ProcessEnv = process.env): CliEnvironment {
  const cwd = process.cwd();
  const forwarded: Record<string, string> = {};
  for (const name of FORWARDED) {
    const value = env[name];
    if (value !== undefined && value !== "") forwarded[name] = value;
  }
  const blank = (value: string | undefined) => (value === undefined || value.trim() === "" ? undefined : value);
  return {
    cwd,
    stateDir: defaultStateDir(env),
    registry: registryLocation(env, cwd),
    flyToken: blank(env.FLY_API_TOKEN),
    flyApp: blank(env.FLY_APP_NAME),
    flyApiBaseUrl: blank(env.FLY_API_BASE_URL),
    flyAppBaseUrl: blank(env.FLY_APP_BASE_URL),
    imageRef: blank(env.CONTAINER_IMAGE_REF),
    forwarded,
    isTTY: process.stdout.isTTY === true && process.stdin.isTTY === true,
  };
}

const DRIVERS = new Set(["process", "docker", "fly"]);

/** The SDK config for a CLI invocation. */
export function configFor(
  cli: CliEnvironment,
  flags: {
    driver?: string;
    agent?: string;
    model?: string;
    env?: string[];
    detached?: boolean;
    initialPrompt?: string;
    network?: string;
    workspace?: string;
  } = {},
): ContainerConfig {
  if (flags.driver !== undefined && !DRIVERS.has(flags.driver)) {
    throw new UsageError(`--driver must be process, docker or fly (got ${JSON.stringify(flags.driver)})`);
  }
  const envVars: Record<string, string> = { ...cli.forwarded };
  for (const pair of flags.env ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--env takes NAME=VALUE (got ${JSON.stringify(pair)})`);
    envVars[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const config: ContainerConfig = {
    projectRoot: cli.cwd,
    stateDir: cli.stateDir,
    envVars,
    registry: openRegistry(cli.registry),
    flyToken: cli.flyToken,
    flyApp: cli.flyApp,
    imageRef: cli.imageRef,
    fly: { apiBaseUrl: cli.flyApiBaseUrl, appBaseUrl: cli.flyAppBaseUrl },
  };
  if (flags.driver !== undefined) config.driver = flags.driver as DriverName;
  if (flags.agent !== undefined) {
    if (!["claude", "codex", "command"].includes(flags.agent)) {
      throw new UsageError(`--agent must be claude, codex or command (got ${JSON.stringify(flags.agent)})`);
    }
    config.agent = flags.agent as ContainerConfig["agent"];
  }
  if (flags.model !== undefined) config.model = flags.model;
  if (flags.network !== undefined) {
    if (flags.network !== "loopback" && flags.network !== "host") {
      throw new UsageError(`--network must be loopback or host (got ${JSON.stringify(flags.network)})`);
    }
    config.docker = { network: flags.network };
  }
  if (flags.workspace !== undefined) config.workspaceDir = resolve(cli.cwd, flags.workspace);
  if (flags.detached === true) config.detached = true;
  if (flags.initialPrompt !== undefined) config.initialPrompt = flags.initialPrompt;
  return config;
}
