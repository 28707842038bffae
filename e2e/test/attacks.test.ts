import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attackPage, rebindingScript, serveAttacker, type AttackTarget } from "../src/attack-pages.js";
import { findChromium } from "../src/browser.js";
import { freePort, waitForHttp } from "@app-building/testkit";
import { repoRoot } from "../src/paths.js";

// The three servers as they run on a developer's machine (real processes, real SQLite), an
// admin signed in to the console in Debian's Chromium, and attacker pages on another site,
// on another 127.0.0.1 port and on a rebinding name trying every state-changing route by
// every means a page has. Nothing may change. A stand-in server that counts what reaches it
// proves the pages' attempts are really sent.

const ADMIN = { email: "ops@example.test", password: "ops-password-123" };
const RUNTIME_TOKEN = "attack-suite-container-token-0123456789";
/** The runtime, as the console's registry knows it: the console's container pages drive it. */
const CONTAINER = "attack-target";
const children: ChildProcess[] = [];
let dir: string;
let coreBack: string;
let consoleUrl: string;
let runtime: string;
let apiKey: string;
let coreBackLog = "";
let browser: Browser;
let context: BrowserContext;

function start(entry: string, env: NodeJS.ProcessEnv, onOutput?: (text: string) => void): ChildProcess {
  const child = spawn(process.execPath, [join(repoRoot, entry)], { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (chunk: Buffer) => onOutput?.(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => onOutput?.(chunk.toString()));
  children.push(child);
  return child;
}

/** A stand-in for a route that counts what reaches it: the control that the attacks are sent. */
function canary(): Promise<{ url: string; seen: string[]; server: Server }> {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    seen.push(`${request.method} ${request.headers["content-type"] ?? "-"}`);
    request.resume();
    response.writeHead(200, { "content-type": "text/plain" }).end("ok");
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/canary`, seen, server });
    }),
  );
}

async function coreBackJson<T>(path: string): Promise<T> {
  const answer = await fetch(`${coreBack}${path}`, { headers: { "x-api-key": apiKey } });
  expect(answer.status, path).toBe(200);
  return (await answer.json()) as T;
}

async function runtimeStatus(): Promise<Record<string, unknown>> {
  const answer = await fetch(`${runtime}/status`, { headers: { authorization: `Bearer ${RUNTIME_TOKEN}` } });
  return (await answer.json()) as Record<string, unknown>;
}

/** Everything an attack could have changed, read with the owners' own credentials. */
async function state(): Promise<Record<string, unknown>> {
  const deploys = await coreBackJson<{ items: unknown[] }>("/deploy?limit=100");
  const mode = await coreBackJson<{ mode: string }>("/deploy/mode");
  const status = await runtimeStatus();
  const tasks = await fetch(`${runtime}/tasks`, { headers: { authorization: `Bearer ${RUNTIME_TOKEN}` } });
  const page = await context.newPage();
  await page.goto(`${consoleUrl}/`);
  const signedIn = !page.url().includes("/sign-in");
  await page.close();
  return {
    deploys: deploys.items.length,
    mode: mode.mode,
    runtime: {
      state: status.state,
      iteration: status.iteration,
      queueLength: status.queueLength,
      pendingTasks: status.pendingTasks,
      detachRequested: status.detachRequested,
    },
    tasks: ((await tasks.json()) as { items: unknown[] }).items.length,
    adminSignedIn: signedIn,
  };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "e2e-attacks-"));
  const [coreBackPort, consolePort, runtimePort] = [await freePort(), await freePort(), await freePort()];
  coreBack = `http://127.0.0.1:${coreBackPort}`;
  consoleUrl = `http://127.0.0.1:${consolePort}`;
  runtime = `http://127.0.0.1:${runtimePort}`;
  const coreBackEnv = {
    ...process.env,
    PORT: String(coreBackPort),
    WORKSPACE_DIR: repoRoot,
    CORE_BACK_DATA_DIR: join(dir, "core-back"),
    BETTER_AUTH_SECRET: "an-attack-suite-secret-that-is-long-enough-0123",
    LOG_LEVEL: "info",
    SIGN_IN_RATE_MAX: "1000",
  };
  apiKey = (
    JSON.parse(
      execFileSync(
        process.execPath,
        [
          join(repoRoot, "apps/core-back/dist/cli/create-admin.js"),
          "--email",
          ADMIN.email,
          "--password",
          ADMIN.password,
        ],
        { env: coreBackEnv, encoding: "utf8" },
      ),
    ) as { apiKey: string }
  ).apiKey;
  start("apps/core-back/dist/main.js", coreBackEnv, (text) => (coreBackLog += text));
  // The registry the console reads, holding the runtime as a started container (0600, as the SDK writes it).
  const registryLine = {
    type: "local",
    driver: "process",
    containerName: CONTAINER,
    baseUrl: runtime,
    port: runtimePort,
    token: RUNTIME_TOKEN,
    startedAt: new Date().toISOString(),
  };
  writeFileSync(join(dir, "registry.jsonl"), `${JSON.stringify(registryLine)}\n`, { mode: 0o600 });
  start("apps/console/dist/main.js", {
    ...process.env,
    PORT: String(consolePort),
    CORE_BACK_URL: coreBack,
    APP_BUILDING_REGISTRY: join(dir, "registry.jsonl"),
    LOG_LEVEL: "warn",
  });
  start("apps/container-runtime/dist/main.js", {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(runtimePort),
    HOST: "127.0.0.1",
    CONTAINER_TOKEN: RUNTIME_TOKEN,
    AGENT: "command",
    AGENT_COMMAND: JSON.stringify([process.execPath, "-e", "console.log('ran')"]),
    DATA_DIR: join(dir, "runtime-data"),
    WORKSPACE_DIR: mkdtempSync(join(dir, "ws-")),
  });
  const giveUp = () => Promise.resolve(children.some((c) => c.exitCode !== null) ? "a server exited" : null);
  for (const url of [coreBack, consoleUrl, runtime]) await waitForHttp(`${url}/health`, { timeoutMs: 120_000, giveUp });

  browser = await chromium.launch({
    executablePath: findChromium(),
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--host-resolver-rules=MAP rebind.attacker.test 127.0.0.1, MAP evil.attacker.test 127.0.0.1",
    ],
  });
  context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${consoleUrl}/sign-in`);
  await page.fill("#email", ADMIN.email);
  await page.fill("#password", ADMIN.password);
  await Promise.all([page.waitForURL(`${consoleUrl}/`), page.click("button[type=submit]")]);
  await page.close();
  expect((await context.cookies(consoleUrl)).map((c) => c.name)).toContain("better-auth.session_token");
}, 300_000);

afterAll(async () => {
  await browser?.close();
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  await Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once("exit", r)) : Promise.resolve())),
  );
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function targets(canaryUrl: string): AttackTarget[] {
  const json = (value: unknown) => JSON.stringify(value);
  return [
    { url: `${coreBack}/deploy`, method: "POST", json: json({ scope: "platform" }), fields: { scope: "platform" } },
    {
      url: `${coreBack}/deploy/mode`,
      method: "PUT",
      json: json({ mode: "unrestricted" }),
      fields: { mode: "unrestricted" },
    },
    { url: `${coreBack}/api/v1/self/deploy?wait=false`, method: "POST", json: "{}", fields: { scope: "platform" } },
    { url: `${coreBack}/api/auth/sign-out`, method: "POST", json: "{}", fields: { x: "1" } },
    {
      url: `${coreBack}/api/auth/api-key/create`,
      method: "POST",
      json: json({ name: "stolen" }),
      fields: { name: "stolen" },
    },
    { url: `${consoleUrl}/deploys`, method: "POST", json: json({ scope: "platform" }), fields: { scope: "platform" } },
    {
      url: `${consoleUrl}/mode`,
      method: "POST",
      json: json({ mode: "unrestricted" }),
      fields: { mode: "unrestricted" },
    },
    { url: `${consoleUrl}/sign-out`, method: "POST", json: "{}", fields: { x: "1" } },
    {
      url: `${consoleUrl}/containers/${CONTAINER}/message`,
      method: "POST",
      json: json({ prompt: "attack" }),
      fields: { prompt: "attack" },
    },
    { url: `${consoleUrl}/containers/${CONTAINER}/interrupt`, method: "POST", json: "{}", fields: { x: "1" } },
    { url: `${consoleUrl}/containers/${CONTAINER}/stop`, method: "POST", json: "{}", fields: { x: "1" } },
    {
      url: `${consoleUrl}/releases/rollback`,
      method: "POST",
      json: json({ releaseId: "any" }),
      fields: { releaseId: "any" },
    },
    {
      url: `${coreBack}/deploy/rollback`,
      method: "POST",
      json: json({ releaseId: "any" }),
      fields: { releaseId: "any" },
    },
    { url: `${runtime}/message`, method: "POST", json: json({ prompt: "attack" }), fields: { prompt: "attack" } },
    { url: `${runtime}/tasks`, method: "POST", json: json({ prompt: "attack" }), fields: { prompt: "attack" } },
    { url: `${runtime}/interrupt`, method: "POST", json: "{}", fields: { x: "1" } },
    { url: `${runtime}/detach`, method: "POST", json: "{}", fields: { x: "1" } },
    { url: `${runtime}/stop`, method: "POST", json: "{}", fields: { x: "1" } },
    { url: canaryUrl, method: "POST", json: json({ prompt: "attack" }), fields: { prompt: "attack" } },
  ];
}

const CLEAN = {
  deploys: 0,
  mode: "restricted",
  runtime: { state: "idle", iteration: 0, queueLength: 0, pendingTasks: 0, detachRequested: false },
  tasks: 0,
  adminSignedIn: true,
};

describe("attacker pages against a signed-in admin", () => {
  it("start from a clean state", async () => {
    expect(await state()).toEqual(CLEAN);
  });

  it.each([
    ["another site", (port: number) => `http://evil.attacker.test:${port}/`],
    ["another 127.0.0.1 port (same site: shares the cookie)", (port: number) => `http://127.0.0.1:${port}/`],
  ])("from %s change nothing on the three servers", async (_where, pageUrl) => {
    const stand = await canary();
    const attacker = await serveAttacker(() => attackPage(targets(stand.url)));
    const refusalsBefore = (coreBackLog.match(/"status":(403|415)/g) ?? []).length;
    try {
      const page = await context.newPage();
      await page.goto(pageUrl(Number(new URL(attacker.url).port)));
      await page.waitForFunction('document.title.startsWith("done")', undefined, { timeout: 120_000 });
      await page.close();
      // The control: the stand-in received the no-cors fetches, the beacon, the three forms,
      // the preflight and the navigation.
      const kinds = new Set(stand.seen);
      expect(stand.seen.length, stand.seen.join("\n")).toBeGreaterThanOrEqual(10);
      for (const kind of ["POST text/plain", "POST application/x-www-form-urlencoded", "GET -"]) {
        expect(kinds, stand.seen.join("\n")).toContain(kind);
      }
      expect([...kinds].some((kind) => kind.startsWith("POST multipart/form-data"))).toBe(true);
      // core-back saw the attempts, and refused them.
      expect((coreBackLog.match(/"status":(403|415)/g) ?? []).length - refusalsBefore).toBeGreaterThan(10);
      expect(await state()).toEqual(CLEAN);
    } finally {
      await attacker.close();
      stand.server.close();
    }
  });

  it("on a rebinding name (same origin for the browser, a foreign Host for the servers) read and change nothing", async () => {
    const cases: [string, { method: string; path: string; json?: string }[]][] = [
      [
        coreBack,
        [
          { method: "GET", path: "/deploy" },
          { method: "GET", path: "/api/v1/openapi.json" },
          { method: "POST", path: "/deploy", json: '{"scope":"platform"}' },
          { method: "POST", path: "/api/v1/self/deploy?wait=false", json: "{}" },
          { method: "PUT", path: "/deploy/mode", json: '{"mode":"unrestricted"}' },
        ],
      ],
      [
        runtime,
        [
          { method: "GET", path: "/status" },
          { method: "GET", path: "/tasks" },
          { method: "POST", path: "/message", json: '{"prompt":"attack"}' },
          { method: "POST", path: "/tasks", json: '{"prompt":"attack"}' },
          { method: "POST", path: "/stop", json: "{}" },
        ],
      ],
      [
        consoleUrl,
        [
          { method: "GET", path: "/" },
          { method: "GET", path: "/deploys" },
          { method: "POST", path: "/deploys", json: '{"scope":"platform"}' },
          { method: "POST", path: `/containers/${CONTAINER}/message`, json: '{"prompt":"attack"}' },
          { method: "POST", path: `/containers/${CONTAINER}/stop`, json: "{}" },
        ],
      ],
    ];
    for (const [server, paths] of cases) {
      const page = await context.newPage();
      const port = new URL(server).port;
      const health = await page.goto(`http://rebind.attacker.test:${port}/health`);
      expect(health?.status(), "the rebinding name reaches the server").toBe(200);
      const statuses: unknown[] = await page.evaluate<unknown[]>(rebindingScript(paths));
      await page.close();
      expect(statuses.length).toBe(paths.length);
      for (const [i, status] of statuses.entries()) {
        expect(
          typeof status === "number" && status >= 401 && status < 500,
          `${server} ${paths[i]!.path}: ${String(status)}`,
        ).toBe(true);
      }
    }
    expect(await state()).toEqual(CLEAN);
  });

  it("while the console's own page, for the same admin, does reach the container (the routes work)", async () => {
    const page = await context.newPage();
    await page.goto(`${consoleUrl}/containers/${CONTAINER}`);
    await page.fill("#prompt", "a prompt from the console itself");
    await Promise.all([page.waitForURL(/notice=sent/), page.click("form[action$='/message'] button[type=submit]")]);
    await page.close();
    await expect.poll(async () => (await runtimeStatus()).iteration, { timeout: 60_000 }).toBe(1);
  });
});
