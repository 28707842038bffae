import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { nameList, parseEnv, port } from "@app-building/server-edge";
import { z } from "zod";

/** The workspace root, seen from this file (`apps/console/{src,dist}/env.*`). */
const DEFAULT_WORKSPACE = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));

const envSchema = z.object({
  PORT: port(4001),
  HOST: z.string().min(1).default("127.0.0.1"),
  CORE_BACK_URL: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://127.0.0.1:4000" })
    .default("http://127.0.0.1:4000"),
  APP_BUILDING_REGISTRY: optionalText,
  LOG_LEVEL: z.enum(["error", "warn", "info", "silent"]).default("info"),
  ALLOWED_HOSTS: nameList,
});

/** The console's configuration, read once from the environment. */
export interface Config {
  /** The port to listen on; 0 picks a free one. */
  port: number;
  host: string;
  /** core-back's base URL, without a trailing slash. */
  coreBackUrl: string;
  /** The SDK's container registry (JSON Lines) the containers pages read. */
  registryPath: string;
  logLevel: "error" | "warn" | "info" | "silent";
  /** Host names besides loopback literals and `localhost` that requests may name (`ALLOWED_HOSTS`). */
  ownHostNames: string[];
}

/**
 * Parses and validates the environment. The only place the console reads `process.env`.
 *
 * @throws {EnvError} (from server-edge) naming every invalid variable.
 */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const env = parseEnv(envSchema, source, "console environment");
  return {
    port: env.PORT,
    host: env.HOST,
    coreBackUrl: env.CORE_BACK_URL.replace(/\/+$/, ""),
    registryPath: resolve(env.APP_BUILDING_REGISTRY ?? resolve(DEFAULT_WORKSPACE, ".container-registry.jsonl")),
    logLevel: env.LOG_LEVEL,
    ownHostNames: env.ALLOWED_HOSTS,
  };
}
