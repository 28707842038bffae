import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { serve } from "@hono/node-server";
import { FileContainerRegistry, createClient } from "@app-building/sdk";
import { createApp } from "../src/app.js";
import { CoreBackClient } from "../src/core-back.js";
import { createLogger } from "../src/logger.js";

/** The repository root. */
export const REPO_ROOT = resolve(import.meta.dirname, "../../..");
const CORE_BACK_MAIN = join(REPO_ROOT, "apps", "core-back", "dist", "main.js");
const CREATE_ADMIN = join(REPO_ROOT, "apps", "core-back", "dist", "cli", "create-admin.js");

/** A free loopback port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  await new Promise((done) => server.close(done));
  return port;
}

// A stand-in for turbo (the build tool core-back runs): `ls` lists one package, `run`
// prints a line, works for as long as `delay-ms` says, and exits 0. Real turbo is
// core-back's own suites' business; the console only shows what a deploy did.
const FAKE_TURBO = `#!/usr/bin/env node
import { readFileSync } from "node:fs";
const args = process.argv.slice(2);
if (args[0] === "ls") {
  console.log(JSON.stringify({ packages: { items: [{ name: "@fx/app", path: "apps/app" }] } }));
  process.exit(0);
}
console.log("fake turbo " + args.join(" "));
const delay = Number(readFileSync(new URL("./delay-ms", import.meta.url), "utf8").trim() || "0");
const tick = setInterval(() => console.log("building..."), 100);
setTimeout(() => { clearInterval(tick); console.log("build done"); process.exit(0); }, delay);
`;

/** A real core-back child process on a temp data dir, with a tiny build. */
export interface CoreBack {
  url: string;
  env: Record<string, string | undefined>;
  /** How long the next builds take. */
  setBuildDelay(ms: number): void;
  /** Creates a user (admin through the create-admin CLI; others through the admin API). */
  createUser(email: string, password: string, role: "admin" | "user"): Promise<void>;
  stop(): Promise<void>;
}

export async function startCoreBack(): Promise<CoreBack> {
  const dir = mkdtempSync(join(tmpdir(), "console-core-back-"));
  const turbo = join(dir, "turbo.mjs");
  writeFileSync(turbo, FAKE_TURBO);
  chmodSync(turbo, 0o755);
  writeFileSync(join(dir, "delay-ms"), "0\n");
  const scopes = join(dir, "build-scopes.json");
  const scope = { description: "the fixture app", filters: ["@fx/app"], restart: [] };
  writeFileSync(scopes, JSON.stringify({ scopes: { platform: scope, all: scope } }));
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    WORKSPACE_DIR: dir,
    CORE_BACK_DATA_DIR: join(dir, "data"),
    TURBO_BIN: turbo,
    BUILD_SCOPES_FILE: scopes,
    BETTER_AUTH_SECRET: "a-console-test-secret-that-is-long-enough-0123",
    LOG_LEVEL: "warn",
    DEPLOY_SETTLE_MS: "10",
    KILL_GRACE_MS: "1000",
  };
  const child: ChildProcess = spawn(process.execPath, [CORE_BACK_MAIN], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || i > 400) {
      child.kill("SIGKILL");
      throw new Error(`core-back did not start (run pnpm build first): ${stderr}`);
    }
    await sleep(50);
  }
  let adminCookie: string | undefined;
  return {
    url,
    env,
    setBuildDelay: (ms) => writeFileSync(join(dir, "delay-ms"), `${ms}\n`),
    async createUser(email, password, role) {
      if (role === "admin") {
        execFileSync(process.execPath, [CREATE_ADMIN, "--email", email, "--password", password], { env });
        const signIn = await fetch(`${url}/api/auth/sign-in/email`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email, password }),
        });
        adminCookie = signIn.headers.getSetCookie()[0]?.split(";")[0];
        return;
      }
      if (adminCookie === undefined) throw new Error("create an admin first");
      const created = await fetch(`${url}/api/auth/admin/create-user`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: adminCookie, origin: url },
        body: JSON.stringify({ email, password, name: email, role }),
      });
      if (!created.ok) throw new Error(`create-user: ${created.status} ${await created.text()}`);
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The console app on a real loopback socket, built with real pieces. */
export interface ConsoleServer {
  url: string;
  registryPath: string;
  close(): Promise<void>;
}

export async function startConsole(coreBackUrl: string, registryPath: string): Promise<ConsoleServer> {
  const app = createApp({
    coreBack: new CoreBackClient({ baseUrl: coreBackUrl }),
    containers: () =>
      Promise.resolve({ registry: new FileContainerRegistry(registryPath), registryPath, createClient }),
    logger: createLogger("silent"),
    probeTimeoutMs: 1_000,
    heartbeatMs: 500,
  });
  const server = await new Promise<Server>((done) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => done(started as Server));
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    registryPath,
    async close() {
      server.closeAllConnections();
      await new Promise((done) => server.close(done));
    },
  };
}

/** What a browser would see: status, location, text, with cookies kept between calls. */
export interface Page {
  status: number;
  location: string | null;
  text: string;
  headers: Headers;
}

/** A tiny browser: keeps cookies, sends forms as a browser does (with its Origin), follows nothing itself. */
export class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  private keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) || value === "")
        this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) headers.set("cookie", this.cookieHeader);
    const response = await fetch(`${this.base}${path}`, { ...init, headers, redirect: "manual" });
    this.keep(response);
    return response;
  }

  async get(path: string): Promise<Page> {
    const response = await this.request(path);
    return {
      status: response.status,
      location: response.headers.get("location"),
      text: await response.text(),
      headers: response.headers,
    };
  }

  async post(path: string, form: Record<string, string> = {}): Promise<Page> {
    const response = await this.request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: this.base },
      body: new URLSearchParams(form).toString(),
    });
    return {
      status: response.status,
      location: response.headers.get("location"),
      text: await response.text(),
      headers: response.headers,
    };
  }

  /** Posts a form and follows its redirect, as a browser does. */
  async submit(path: string, form: Record<string, string> = {}): Promise<Page> {
    const answer = await this.post(path, form);
    if (answer.status !== 303 || answer.location === null) return answer;
    return this.get(answer.location);
  }

  async signIn(email: string, password: string): Promise<Page> {
    return this.submit("/sign-in", { email, password });
  }
}

/** Reads a streamed body until `done` says so (or the stream ends), within `withinMs`. */
export async function readUntil(
  response: Response,
  done: (text: string) => boolean,
  withinMs = 20_000,
): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = setTimeout(() => void reader.cancel(), withinMs);
  try {
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      text += decoder.decode(value as Uint8Array, { stream: true });
      if (done(text)) break;
    }
  } finally {
    clearTimeout(deadline);
    await reader.cancel().catch(() => undefined);
  }
  return text;
}
