import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fuzz } from "@app-building/server-edge/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Browser, startConsole, startCoreBack, type ConsoleServer, type CoreBack } from "./harness.js";

// The console's edge with a real core-back behind it: a signed-in admin's cookie is on every
// request below, as a browser would send it, and still no page but the console's own may
// change anything.

const ADMIN = { email: "ops@example.test", password: "ops-password" };

let coreBack: CoreBack;
let consoleServer: ConsoleServer;
let dir: string;
let admin: Browser;

/** One raw request with the admin's cookie: any Host, any header. */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(consoleServer.url);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        agent: false,
        headers: { cookie: admin.cookieHeader, ...headers },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function deployCount(): Promise<number> {
  const answer = await fetch(`${coreBack.url}/deploy?limit=100`, { headers: { cookie: admin.cookieHeader } });
  return ((await answer.json()) as { items: unknown[] }).items.length;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "console-edge-"));
  coreBack = await startCoreBack();
  await coreBack.createUser(ADMIN.email, ADMIN.password, "admin");
  consoleServer = await startConsole(coreBack.url, join(dir, "registry.jsonl"));
  admin = new Browser(consoleServer.url);
  expect((await admin.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
});

afterAll(async () => {
  await consoleServer?.close();
  await coreBack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the console's edge", () => {
  const forms: [string, string][] = [
    ["/deploys", "scope=platform"],
    ["/mode", "mode=unrestricted"],
    ["/deploys/x/cancel", ""],
    ["/containers/x/message", "prompt=hi"],
    ["/containers/x/stop", ""],
    ["/sign-out", ""],
  ];

  it.each(forms)(
    "refuses POST %s from another origin, another port, a rebinding Host or with a page's other enctypes",
    async (path, body) => {
      const before = await deployCount();
      const form = { "content-type": "application/x-www-form-urlencoded" };
      const own = consoleServer.url;
      const attempts: Record<string, string>[] = [
        { ...form, origin: "http://evil.example", "sec-fetch-site": "cross-site" },
        { ...form, origin: "http://127.0.0.1:5555", "sec-fetch-site": "same-site" },
        { ...form, origin: "null" },
        { ...form },
        { ...form, origin: own, host: "rebind.attacker.example" },
        { "content-type": "text/plain", origin: own },
        { "content-type": "multipart/form-data; boundary=x", origin: own },
      ];
      for (const headers of attempts) {
        expect(await raw("POST", path, headers, body), JSON.stringify(headers)).toBeGreaterThanOrEqual(403);
      }
      expect(await deployCount()).toBe(before);
      expect((await admin.get("/")).status, "the admin is still signed in").toBe(200);
    },
  );

  it("serves its pages only under its own Host", async () => {
    expect(await raw("GET", "/", { host: "rebind.attacker.example" })).toBe(403);
    expect(await raw("GET", "/", {})).toBe(200);
    expect(await raw("GET", "/health", { host: "rebind.attacker.example" })).toBe(200);
  });

  it("answers 1,000 random requests, with the admin's cookie on many, without a 5xx", async () => {
    const paths = [
      "/",
      "/health",
      "/sign-in",
      "/sign-out",
      "/deploys",
      "/deploys/x",
      "/deploys/x/log",
      "/deploys/x/cancel",
      "/mode",
      "/containers",
      "/containers/x",
      "/containers/x/message",
      "/containers/x/events",
      "/containers/x/interrupt",
      "/containers/x/stop",
      "/assets/console.js",
      "/nope",
    ];
    const { statuses, failures } = await fuzz(
      consoleServer.url,
      { paths, extraHeaders: [{ cookie: admin.cookieHeader }, { origin: consoleServer.url }] },
      { count: 1000, seed: 3 },
    );
    expect(failures.slice(0, 5), JSON.stringify(statuses)).toEqual([]);
    expect((await fetch(`${consoleServer.url}/health`)).status).toBe(200);
  });
});
