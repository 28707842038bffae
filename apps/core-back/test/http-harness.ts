/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are checked against the OpenAPI document, then read loosely */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { Express } from "express";
import { afterAll, beforeAll, expect } from "vitest";
import { createAuth, migrateAuth, type Auth } from "../src/auth/auth.js";
import { createAdmin } from "../src/cli/admin.js";
import { openDatabase } from "../src/db/database.js";
import { DeployRepository } from "../src/deploy/repository.js";
import { BuildRunner } from "../src/deploy/runner.js";
import { DeployService, type DeployServiceOptions } from "../src/deploy/service.js";
import { loadBuildScopes } from "@app-building/types";
import { createApp } from "../src/http/app.js";
import { OPENAPI_DOCUMENT } from "../src/http/openapi.js";
import { silentLogger } from "@app-building/server-edge/log";
import { listen, type RunningServer } from "../src/server.js";
import { createFixtureWorkspace, TURBO_BIN, type FixtureWorkspace } from "./fixture-workspace.js";

const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat("date-time", (value: string) => !Number.isNaN(Date.parse(value)));
ajv.addSchema(OPENAPI_DOCUMENT, "openapi");

function pointer(...parts: string[]): string {
  return parts.map((part) => part.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");
}

/**
 * Checks a real response against the OpenAPI document: the route, method and status must
 * be documented, and a JSON body must match the documented schema.
 */
export function expectDocumented(route: string, method: string, status: number, body: unknown): void {
  const operation = (OPENAPI_DOCUMENT.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)[
    route
  ]?.[method.toLowerCase()];
  expect(operation, `${method} ${route} is documented`).toBeDefined();
  const response = operation!.responses[String(status)] as { content?: Record<string, unknown> } | undefined;
  expect(response, `${method} ${route} documents status ${status}`).toBeDefined();
  if (response!.content?.["application/json"] === undefined) return;
  const ref = `openapi#/${pointer("paths", route, method.toLowerCase(), "responses", String(status), "content", "application/json", "schema")}`;
  const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  const valid = validate(body);
  expect(valid, `${method} ${route} ${status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`).toBe(true);
}

/** A real core-back (real SQLite, real turbo on a fixture, Better-Auth) on an ephemeral port. */
export interface TestServer {
  url: string;
  /** The Express app the server runs (its route table). */
  app: Express;
  service: DeployService;
  auth: Auth;
  adminKey: string;
  userKey: string;
  /** The self-deploy token the server was built with. */
  deployToken: string;
  /** Calls a route and checks the answer against the OpenAPI document. */
  call(
    method: string,
    path: string,
    options?: {
      body?: unknown;
      raw?: string;
      headers?: Record<string, string>;
      key?: string;
      route?: string;
      /** Leave out the self-deploy token a call to `/api/v1/self/deploy` otherwise carries. */
      noDeployToken?: boolean;
    },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** What a test server may be started with beside the defaults. */
export type TestServerOverrides = Partial<DeployServiceOptions> & {
  deployWaitMs?: number;
  bodyLimitBytes?: number;
  host?: string;
  signInRateLimit?: { windowSeconds: number; max: number };
};

/**
 * A test server for the enclosing suite: started in its `beforeAll` and closed in its
 * `afterAll`, on a fixture workspace of its own (removed afterwards) unless given `fx`.
 * The two objects returned are filled in by `beforeAll`: read them in tests and hooks.
 *
 * @example
 * ```ts
 * const { fx, server } = useTestServer();
 * describe("with a short wait cap", () => {
 *   const capped = useTestServer({ fx, deployWaitMs: 500 });
 *   it("answers 504", async () => expect((await capped.server.call("POST", DEPLOY)).status).toBe(504));
 * });
 * ```
 */
export function useTestServer(overrides: TestServerOverrides & { fx?: FixtureWorkspace } = {}): {
  fx: FixtureWorkspace;
  server: TestServer;
} {
  const { fx: shared, ...serverOverrides } = overrides;
  const fx = shared ?? ({} as FixtureWorkspace);
  const server = {} as TestServer;
  let owned: FixtureWorkspace | undefined;
  let started: TestServer | undefined;
  beforeAll(async () => {
    if (shared === undefined) Object.assign(fx, (owned = createFixtureWorkspace()));
    started = await startTestServer(fx, serverOverrides);
    Object.assign(server, started);
  });
  afterAll(async () => {
    await started?.close();
    owned?.remove();
  });
  return { fx, server };
}

async function startTestServer(fx: FixtureWorkspace, overrides: TestServerOverrides = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), "core-back-http-"));
  const db = openDatabase(join(dataDir, "core-back.db"));
  const { deployWaitMs, bodyLimitBytes, host = "127.0.0.1", signInRateLimit, ...serviceOverrides } = overrides;
  const auth = createAuth({
    db,
    secret: "test-secret-that-is-long-enough-0123456789",
    baseURL: "http://127.0.0.1",
    signInRateLimit: signInRateLimit ?? { windowSeconds: 60, max: 1000 },
  });
  await migrateAuth(auth);
  const logger = silentLogger();
  const deployToken = "test-self-deploy-token-0123456789";
  const service = new DeployService({
    repository: new DeployRepository(db),
    builder: new BuildRunner({ turboBin: TURBO_BIN, workspaceDir: fx.dir, env: process.env, killGraceMs: 1000 }),
    restarter: null,
    scopes: loadBuildScopes(fx.scopesFile),
    logDir: join(dataDir, "logs"),
    buildTimeoutMs: 60_000,
    settleMs: 100,
    defaultMode: "restricted",
    selfProgram: "core-back",
    selfRestartDelayMs: 100,
    cancelWaitMs: 10_000,
    logger,
    ...serviceOverrides,
  });
  const app = createApp({
    service,
    auth,
    logger,
    deployWaitMs: deployWaitMs ?? 60_000,
    bodyLimitBytes: bodyLimitBytes ?? 16 * 1024,
    selfDeployToken: deployToken,
  });
  const running: RunningServer = await listen(app, 0, host, logger);
  const url = `http://127.0.0.1:${running.port}`;
  const admin = await createAdmin(auth, db, {
    email: "admin@example.test",
    password: "admin-password",
    name: "Admin",
    keyName: "t",
  });
  const user = await auth.api.createUser({
    body: { email: "dev@example.test", password: "dev-password", name: "Dev", role: "user" },
  });
  const userKey = (await auth.api.createApiKey({ body: { userId: user.user.id, name: "t" } })).key;
  return {
    url,
    app,
    service,
    auth,
    adminKey: admin.apiKey!,
    userKey,
    deployToken,
    call: async (method, path, options = {}) => {
      const headers: Record<string, string> = { ...options.headers };
      if (options.key !== undefined) headers["x-api-key"] = options.key;
      if (path.startsWith("/api/v1/self/deploy") && options.noDeployToken !== true) {
        headers.authorization ??= `Bearer ${deployToken}`;
      }
      let body: string | undefined = options.raw;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers["content-type"] ??= "application/json";
      }
      const response = await fetch(`${url}${path}`, { method, headers, body });
      const text = await response.text();
      const isJson = response.headers.get("content-type")?.includes("application/json") === true;
      const parsed: unknown = isJson ? JSON.parse(text) : text;
      const route = options.route ?? path.split("?")[0]!;
      expectDocumented(route, method, response.status, parsed);
      if (response.status >= 400 && isJson && !(typeof parsed === "object" && parsed !== null && "ok" in parsed)) {
        expect(parsed).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    close: async () => {
      await running.close(1000, () => service.shutdown());
      db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
