// The first admin user: taken from ADMIN_EMAIL/ADMIN_PASSWORD, or generated once and
// printed once (only the email is kept, in <data>/admin.json).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** @import { PlatformSettings } from "./settings.mjs" */

const GENERATED_EMAIL = "admin@app-building.local";

/**
 * Runs core-back's create-admin command; its last output line says who the admin is, and
 * whether this call created it.
 *
 * @param {PlatformSettings} settings
 * @param {string} email
 * @param {string} password
 */
function createAdmin(settings, email, password) {
  const cli = join(settings.root, "apps", "core-back", "dist", "cli", "create-admin.js");
  // The password goes through stdin (not the process list); no API key is made: the
  // console signs in with the password.
  const result = spawnSync(process.execPath, [cli, "--email", email, "--password-stdin", "--no-api-key"], {
    cwd: settings.root,
    encoding: "utf8",
    input: `${password}\n`,
    env: {
      ...settings.env,
      PORT: String(settings.coreBackPort),
      WORKSPACE_DIR: settings.root,
      CORE_BACK_DATA_DIR: settings.coreBackDataDir,
      BETTER_AUTH_URL: settings.coreBackUrl,
      LOG_LEVEL: "warn",
    },
  });
  if (result.status !== 0) {
    throw new Error(`creating the admin ${email} failed: ${(result.stderr || result.stdout || "").trim()}`);
  }
  /** @type {unknown} */
  const answer = JSON.parse(result.stdout.trim().split("\n").pop() ?? "");
  return /** @type {{ email: string, created: boolean }} */ (answer);
}

/**
 * Makes sure an admin exists. Returns who it is, and the password when this run chose
 * or was given it (null when an earlier run created the admin).
 *
 * @param {PlatformSettings} settings
 * @returns {{ email: string, password: string | null, source: "env" | "earlier" | "generated", created: boolean }}
 */
export function ensureAdmin(settings) {
  if (settings.admin !== null) {
    const { email, password } = settings.admin;
    const result = createAdmin(settings, email, password);
    writeFileSync(settings.adminFile, `${JSON.stringify({ email: result.email })}\n`);
    return { email: result.email, password: result.created ? password : null, source: "env", created: result.created };
  }
  if (existsSync(settings.adminFile)) {
    /** @type {unknown} */
    const saved = JSON.parse(readFileSync(settings.adminFile, "utf8"));
    const { email } = /** @type {{ email: string }} */ (saved);
    return { email, password: null, source: "earlier", created: false };
  }
  const password = randomBytes(18).toString("base64url");
  const result = createAdmin(settings, GENERATED_EMAIL, password);
  writeFileSync(settings.adminFile, `${JSON.stringify({ email: result.email })}\n`, { mode: 0o600 });
  return {
    email: result.email,
    password: result.created ? password : null,
    source: "generated",
    created: result.created,
  };
}
