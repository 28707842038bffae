import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { serve } from "@hono/node-server";
import { FileContainerRegistry, createClient } from "@app-building/sdk";
import { freePort, waitForHttp } from "@app-building/testkit";
import { createApp } from "../src/app.js";
import { CoreBackClient } from "../src/core-back.js";
import { silentLogger } from "@app-building/server-edge/log";

/** The repository root. */
export const REPO_ROOT = resolve(import.meta.dirname, "../../..");
const CORE_BACK_MAIN = join(REPO_ROOT, "apps", "core-back", "dist", "main.js");
const CREATE_ADMIN = join(REPO_ROOT, "apps", "core-back", "dist", "cli", "create-admin.js");

/** A free loopback port. */
export { freePort };

// A stand-in for turbo (the build tool core-back runs): `ls` lists one package, `run`
// prints a line, works for as long as `delay-ms` says, and exits 0. While a `hold` file
// exists, `run` prints "build held" instead, waits until `release` exists (it looks every
// 20 ms and gives up after 30 s), prints "build released" and exits 0: a build a test can
// keep running for exactly as long as it needs. Real turbo is core-back's own suites'
// business; the console only shows what a deploy did.
const FAKE_TURBO = `#!/usr/bin/env node
import { existsSync, readFileSync } from "node:fs";
const here = (name) => new URL("./" + name, import.meta.url);
const args = process.argv.slice(2);
if (args[0] === "ls") {
  console.log(JSON.stringify({ packages: { items: [{ name: "@fx/app", path: "apps/app" }] } }));
  process.exit(0);
}
console.log("fake turbo " + args.join(" "));
if (existsSync(here("hold"))) {
  console.log("build held");
  const givingUp = Date.now() + 30000;
  setInterval(() => {
    if (existsSync(here("release"))) {
      console.log("build released");
      process.exit(0);
    }
    if (Date.now() > givingUp) {
      console.error("build never released");
      process.exit(1);
    }
  }, 20);
} else {
  const delay = Number(readFileSync(here("delay-ms"), "utf8").trim() || "0");
  const tick = setInterval(() => console.log("building..."), 100);
  setTimeout(() => { clearInterval(tick); console.log("build done"); process.exit(0); }, delay);
}
`;

/** A real core-back child process on a temp data dir, with a tiny build. */
export interface CoreBack {
  url: string;
  env: Record<string, string | undefined>;
  /** How long the next builds take. */
  setBuildDelay(ms: number): void;
  /** Makes the next builds print "build held" and wait for `releaseBuilds()`. */
  holdBuilds(): void;
  /** Lets held builds print "build released" and end; the next builds run as `setBuildDelay` says. */
  releaseBuilds(): void;
  /** Creates a user (admin through the create-admin CLI; others through the admin API). */
  createUser(email: string, password: string, role: "admin" | "user"): Promise<void>;
  stop(): Promise<void>;
}

/** What a suite may change about the core-back it starts. */
export interface CoreBackOptions {
  /** Variables to set (or override) in core-back's environment. */
  env?: Record<string, string>;
  /** Where core-back's temp dir goes (the system's temp dir by default). */
  tempRoot?: string;
}

export async function startCoreBack(options: CoreBackOptions = {}): Promise<CoreBack> {
  const dir = mkdtempSync(join(options.tempRoot ?? tmpdir(), "console-core-back-"));
  try {
    return await startCoreBackIn(dir, options.env ?? {});
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function startCoreBackIn(dir: string, overrides: Record<string, string>): Promise<CoreBack> {
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
    // The suites sign in far more often than a person would.
    SIGN_IN_RATE_MAX: "10000",
    ...overrides,
  };
  const child: ChildProcess = spawn(process.execPath, [CORE_BACK_MAIN], { env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/health`, {
      timeoutMs: 20_000,
      intervalMs: 50,
      giveUp: () => (child.exitCode !== null ? `it exited with ${child.exitCode}` : null),
    });
  } catch (error) {
    if (child.exitCode === null) {
      child.kill("SIGKILL");
      await once(child, "exit");
    }
    throw new Error(`core-back did not start (run pnpm build first): ${stderr}`, { cause: error });
  }
  let adminCookie: string | undefined;
  return {
    url,
    env,
    setBuildDelay: (ms) => writeFileSync(join(dir, "delay-ms"), `${ms}\n`),
    holdBuilds() {
      rmSync(join(dir, "release"), { force: true });
      writeFileSync(join(dir, "hold"), "");
    },
    releaseBuilds() {
      writeFileSync(join(dir, "release"), "");
      rmSync(join(dir, "hold"), { force: true });
    },
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
    logger: silentLogger(),
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

/** A streamed body read bit by bit: each `until` goes on where the last one stopped. */
export class StreamedText {
  /** Everything read so far. */
  text = "";
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();

  constructor(response: Response) {
    this.reader = response.body!.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  }

  /**
   * Reads until `done(text)` holds for everything read so far, and returns it. Throws when
   * the stream ends first, or when `withinMs` pass first (a failure bound, not a timing).
   */
  async until(done: (text: string) => boolean, withinMs = 20_000): Promise<string> {
    const deadline = setTimeout(() => void this.reader.cancel(), withinMs);
    try {
      while (!done(this.text)) {
        const { value, done: ended } = await this.reader.read();
        if (ended) throw new Error(`the stream ended (or ${withinMs} ms passed) before it said enough: ${this.text}`);
        this.text += this.decoder.decode(value, { stream: true });
      }
      return this.text;
    } finally {
      clearTimeout(deadline);
    }
  }

  /** Stops reading (and lets the server know). */
  async close(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
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
