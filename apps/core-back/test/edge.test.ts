import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FORWARDING_HEADERS } from "@app-building/server-edge";
import { fuzz } from "@app-building/server-edge/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixtureWorkspace, type FixtureWorkspace } from "./fixture-workspace.js";
import { CREATE_ADMIN_JS, createAdminKey, freePort, MAIN_JS, serverEnv, waitHealthy } from "./server-process.js";

// core-back's edge on the real server process (node dist/main.js, started under umask 022,
// its self-deploy token made by itself): who gets in, what a browser page cannot do, the
// sign-in rate limit, and a fuzz of every route.

let fx: FixtureWorkspace;
let dataDir: string;
let url: string;
let child: ReturnType<typeof spawn>;
let output = "";
let adminKey: string;
let deployToken: string;

/** One raw request: any Host, any header, no client-side rules. */
function raw(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
  localAddress?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const options = { host: target.hostname, port: target.port, method, path, headers, agent: false, localAddress };
    const req = request(options, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const JSON_TYPE = { "content-type": "application/json" };
const deployCount = async (): Promise<number> => {
  const answer = await raw("GET", "/deploy?limit=100", { "x-api-key": adminKey });
  return (JSON.parse(answer.body) as { items: unknown[] }).items.length;
};

beforeAll(async () => {
  fx = createFixtureWorkspace();
  dataDir = join(mkdtempSync(join(tmpdir(), "core-back-edge-")), "data");
  const port = await freePort();
  const env = serverEnv(fx, dataDir, port, {
    SELF_DEPLOY_TOKEN: "",
    SIGN_IN_RATE_WINDOW_S: "2",
    SIGN_IN_RATE_MAX: "5",
  });
  adminKey = createAdminKey(env);
  const other = spawnSync(
    process.execPath,
    [CREATE_ADMIN_JS, "--email", "other@example.test", "--password", "other-password", "--no-api-key"],
    { env, encoding: "utf8" },
  );
  expect(other.status, other.stderr).toBe(0);
  child = spawn("sh", ["-c", 'umask 022 && exec "$0" "$1"', process.execPath, MAIN_JS], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child);
  deployToken = readFileSync(join(dataDir, "self-deploy.token"), "utf8").trim();
}, 60_000);

afterAll(() => {
  if (child?.exitCode === null) child.kill("SIGKILL");
  fx?.remove();
  if (dataDir !== undefined) rmSync(join(dataDir, ".."), { recursive: true, force: true });
});

describe("the self-deploy token", () => {
  it("is made by core-back, 0600 in its 0700 folder under umask 022", () => {
    expect(deployToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((statSync(join(dataDir, "self-deploy.token")).mode & 0o777).toString(8)).toBe("600");
    expect((statSync(dataDir).mode & 0o777).toString(8)).toBe("700");
  });

  it("starts a deploy, where an API key does not", async () => {
    const auth = { authorization: `Bearer ${deployToken}` };
    const accepted = await raw("POST", "/api/v1/self/deploy?wait=false", { ...JSON_TYPE, ...auth }, "{}");
    expect(accepted.status, accepted.body).toBe(202);
    const refused = await raw("POST", "/api/v1/self/deploy?wait=false", { ...JSON_TYPE, "x-api-key": adminKey }, "{}");
    expect(refused.status).toBe(401);
  });

  it("allows nothing else: the /deploy routes refuse it", async () => {
    const answer = await raw("GET", "/deploy", { authorization: `Bearer ${deployToken}` });
    expect(answer.status).toBe(401);
  });
});

describe("the loopback rule, through core-back", () => {
  const variants = FORWARDING_HEADERS.flatMap((name) => [name, name.toUpperCase()]);
  it(`refuses a self-deploy carrying any of ${FORWARDING_HEADERS.length} forwarding headers, in either case`, async () => {
    const before = await deployCount();
    for (const name of variants) {
      const answer = await raw(
        "POST",
        "/api/v1/self/deploy?wait=false",
        { ...JSON_TYPE, authorization: `Bearer ${deployToken}`, [name]: "127.0.0.1" },
        "{}",
      );
      expect([answer.status, (JSON.parse(answer.body) as { error: string }).error], name).toEqual([
        403,
        "not_localhost",
      ]);
    }
    expect(await deployCount()).toBe(before);
  });
});

describe("what a browser page cannot do", () => {
  const key = () => ({ "x-api-key": adminKey });
  const changes: [string, string, string][] = [
    ["POST", "/deploy", "{}"],
    ["PUT", "/deploy/mode", '{"mode":"unrestricted"}'],
    ["POST", "/deploy/x/cancel", ""],
    ["POST", "/api/v1/self/deploy?wait=false", "{}"],
    ["POST", "/api/auth/sign-out", "{}"],
  ];

  it.each(changes)(
    "%s %s: refused with a foreign Host, Origin, Sec-Fetch-Site or a page's content type",
    async (method, path, body) => {
      const before = await deployCount();
      const credentials = path.startsWith("/api/v1") ? { authorization: `Bearer ${deployToken}` } : key();
      const attempts: [Record<string, string>, number, string][] = [
        [{ ...JSON_TYPE, host: "rebind.attacker.example" }, 403, "forbidden_host"],
        [{ ...JSON_TYPE, host: `rebind.attacker.example:${new URL(url).port}` }, 403, "forbidden_host"],
        [{ ...JSON_TYPE, origin: "http://evil.example" }, 403, "foreign_origin"],
        [{ ...JSON_TYPE, origin: "http://127.0.0.1:5555" }, 403, "foreign_origin"],
        [{ ...JSON_TYPE, origin: "null" }, 403, "foreign_origin"],
        [{ ...JSON_TYPE, "sec-fetch-site": "same-site" }, 403, "foreign_origin"],
        [{ ...JSON_TYPE, "sec-fetch-site": "cross-site" }, 403, "foreign_origin"],
        [{ "content-type": "text/plain" }, 415, "unsupported_media_type"],
        [{ "content-type": "application/x-www-form-urlencoded" }, 415, "unsupported_media_type"],
        [{ "content-type": "multipart/form-data; boundary=x" }, 415, "unsupported_media_type"],
      ];
      for (const [headers, status, error] of attempts) {
        const answer = await raw(method, path, { ...credentials, ...headers }, body === "" ? "{}" : body);
        expect([answer.status, (JSON.parse(answer.body) as { error: string }).error], JSON.stringify(headers)).toEqual([
          status,
          error,
        ]);
      }
      expect(await deployCount()).toBe(before);
      const mode = await raw("GET", "/deploy/mode", key());
      expect(JSON.parse(mode.body)).toEqual({ mode: "restricted" });
    },
  );

  it("answers reads only to its own Host too, but /health to anyone", async () => {
    expect((await raw("GET", "/deploy", { ...key(), host: "rebind.attacker.example" })).status).toBe(403);
    expect((await raw("GET", "/api/v1/openapi.json", { host: "rebind.attacker.example" })).status).toBe(403);
    expect((await raw("GET", "/health", { host: "rebind.attacker.example" })).status).toBe(200);
    expect((await raw("GET", "/deploy", { ...key(), host: "localhost" })).status).toBe(200);
  });

  it("refuses a session token copied from the database as a bearer token", async () => {
    const signIn = await raw(
      "POST",
      "/api/auth/sign-in/email",
      { ...JSON_TYPE, origin: url },
      JSON.stringify({ email: "other@example.test", password: "other-password" }),
    );
    expect(signIn.status, signIn.body).toBe(200);
    const stored = (JSON.parse(signIn.body) as { token: string }).token;
    expect((await raw("GET", "/deploy", { authorization: `Bearer ${stored}` })).status).toBe(401);
  });
});

describe("sign-in rate limit (per account and client)", () => {
  const signIn = (email: string, password: string) =>
    raw("POST", "/api/auth/sign-in/email", { ...JSON_TYPE, origin: url }, JSON.stringify({ email, password }));

  it("answers 100 wrong passwords with 429s, spares other accounts, and lets the right one in after the window", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 100; i += 1) statuses.push((await signIn("ops@example.test", `wrong-${i}`)).status);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(90);
    expect(statuses.filter((status) => status === 200)).toEqual([]);
    // Limited per account: the other admin signs in from the same client meanwhile.
    expect((await signIn("other@example.test", "other-password")).status).toBe(200);
    // The right password is refused too while the window lasts, from any loopback address
    // (a local process can bind 127.0.0.2 as easily as 127.0.0.1), by any spelling of the path.
    expect((await signIn("ops@example.test", "ops-password")).status).toBe(429);
    const body = JSON.stringify({ email: "ops@example.test", password: "ops-password" });
    const headers = { ...JSON_TYPE, origin: url };
    for (const from of ["127.0.0.2", "127.0.0.3"])
      expect((await raw("POST", "/api/auth/sign-in/email", headers, body, from)).status, from).toBe(429);
    expect((await raw("POST", "/api/auth/./sign-in/email", headers, body)).status).toBe(429);
    expect((await raw("POST", "/api/auth/%2e/sign-in/email", headers, body)).status).toBe(429);
    await expect
      .poll(async () => (await signIn("ops@example.test", "ops-password")).status, {
        interval: 500,
        timeout: 20_000,
      })
      .toBe(200);
  });
});

describe("fuzzing every route", () => {
  it("answers 1,000 random requests without a 5xx, and stays up", async () => {
    const paths = [
      "/health",
      "/api/v1/openapi.json",
      "/api/v1/self/deploy?wait=false",
      "/deploy",
      "/deploy/mode",
      "/deploy/00000000-0000-0000-0000-000000000000",
      "/deploy/x/log",
      "/deploy/x/log?follow=1",
      "/deploy/x/cancel",
      "/api/auth/sign-in/email",
      "/api/auth/sign-out",
      "/api/auth/get-session",
      "/api/auth/admin/create-user",
      "/api/auth/api-key/create",
      "/nope",
    ];
    const { statuses, failures } = await fuzz(
      url,
      { paths, extraHeaders: [{ "x-api-key": adminKey }, { origin: url }] },
      { count: 1000, seed: 12 },
    );
    expect(failures.slice(0, 5), JSON.stringify(statuses)).toEqual([]);
    expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBe(1000);
    expect((await raw("GET", "/health")).status).toBe(200);
    expect(output).not.toMatch(/request failed unexpectedly/);
  });
});
