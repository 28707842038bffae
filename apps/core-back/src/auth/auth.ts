import { apiKey } from "@better-auth/api-key";
import { betterAuth, type BetterAuthOptions } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { admin, bearer } from "better-auth/plugins";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type Database from "better-sqlite3";

/** What Better-Auth needs. */
export interface AuthOptions {
  db: Database.Database;
  secret: string;
  baseURL: string;
  /** Sign-in attempts allowed per account and client within the window (Better-Auth's limiter). */
  signInRateLimit?: { windowSeconds: number; max: number };
}

/**
 * The header Better-Auth's rate limiter reads as the client's address. core-back always sets
 * it itself (a value a client sends is replaced): for sign-in, an address derived from the
 * account and the client together, so that through the console, where every request comes
 * from 127.0.0.1, each account still has its own limit.
 */
export const RATE_KEY_HEADER = "x-app-building-rate-key";

/**
 * Better-Auth for the `/deploy` routes: email and password sign-in (no open sign-up: the
 * first admin is created by `create-admin`), bearer tokens, API keys (`x-api-key`, which
 * also yield a session) and user roles.
 */
export function createAuth(options: AuthOptions) {
  // Typed as the general option so the instance's type does not name better-sqlite3's
  // (declaration emit cannot). typescript-eslint resolves this indexed type as an error
  // type although tsc checks it: the rule below is a false positive here.
  const database: BetterAuthOptions["database"] = options.db;
  return betterAuth({
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
    database,
    secret: options.secret,
    baseURL: options.baseURL,
    logger: { disabled: true },
    telemetry: { enabled: false },
    emailAndPassword: { enabled: true, disableSignUp: true },
    rateLimit: {
      enabled: true,
      storage: "memory",
      window: 60,
      max: 600,
      customRules: {
        "/sign-in/*": {
          window: options.signInRateLimit?.windowSeconds ?? 60,
          max: options.signInRateLimit?.max ?? 10,
        },
      },
    },
    advanced: { ipAddress: { ipAddressHeaders: [RATE_KEY_HEADER], ipv6Subnet: 128 } },
    // A bearer token must carry the signature made with the auth secret: a session token
    // copied out of the database is not enough to act as its user.
    plugins: [
      bearer({ requireSignature: true }),
      admin(),
      apiKey({ enableSessionForAPIKeys: true, rateLimit: { enabled: false } }),
    ],
  });
}

/** The Better-Auth instance. */
export type Auth = ReturnType<typeof createAuth>;

/** Creates or updates Better-Auth's tables. */
export async function migrateAuth(auth: Auth): Promise<void> {
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
}

/**
 * The configured secret, or one generated once and kept (mode 0600) beside the database,
 * so sessions survive restarts without configuration.
 */
export function resolveAuthSecret(configured: string | undefined, file: string): string {
  if (configured !== undefined) return configured;
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** Whether a user's role list (comma separated) includes `admin`. */
export function isAdmin(role: string | null | undefined): boolean {
  return (role ?? "")
    .split(",")
    .map((part) => part.trim())
    .includes("admin");
}
