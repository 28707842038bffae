import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixtureWorkspace, type FixtureWorkspace } from "./fixture-workspace.js";
import { freePort, MAIN_JS, serverEnv, waitHealthy, type ServerProcess } from "./server-process.js";

// What core-back refuses before it costs anything, and what it keeps to its own user, checked
// on the real server process (node dist/main.js) started under umask 022.

let fx: FixtureWorkspace;
let dataDir: string;
let server: ServerProcess;

/** The resident memory of a process, in bytes (/proc/<pid>/status). */
function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((entry) => entry.startsWith("VmRSS:"));
  return Number(line?.replace(/\D/g, "") ?? "0") * 1024;
}

/** One raw HTTP request (any method, no client-side rules), answered as status and JSON text. */
function raw(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; bodyBytes?: number } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.url);
    let sentBytes = 0;
    let answered = false;
    const req = request(url, { method, headers: options.headers }, (res) => {
      answered = true;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const total = options.bodyBytes ?? 0;
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    const pump = (): void => {
      // Stops writing as soon as the server has answered: a refused body is never sent whole.
      while (!answered && sentBytes < total) {
        sentBytes += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

beforeAll(async () => {
  fx = createFixtureWorkspace();
  dataDir = join(mkdtempSync(join(tmpdir(), "core-back-hardening-")), "data");
  const port = await freePort();
  const env = serverEnv(fx, dataDir, port);
  const child = spawn("sh", ["-c", 'umask 022 && exec "$0" "$1"', process.execPath, MAIN_JS], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  server = { child, url, output: () => output, exited };
  await waitHealthy(url, child);
}, 60_000);

afterAll(() => {
  if (server?.child.exitCode === null) server.child.kill("SIGKILL");
  fx?.remove();
  if (dataDir !== undefined) rmSync(join(dataDir, ".."), { recursive: true, force: true });
});

describe("core-back refuses what it does not serve", () => {
  it.each(["TRACE", "PROPFIND", "MKCOL"])(
    "answers %s with 405 and the methods it takes, on any path",
    async (method) => {
      for (const path of ["/api/auth/sign-in/email", "/health", "/deploy"]) {
        const answer = await raw(method, path);
        expect(answer.status, `${method} ${path}`).toBe(405);
        expect(JSON.parse(answer.body)).toMatchObject({ error: "method_not_allowed" });
      }
      expect(server.output()).not.toMatch(/request failed unexpectedly/);
    },
  );

  it("refuses a 200 MB sign-in body with 413, and its memory grows by at most 20 MB", async () => {
    // A sign-in of normal size first: it reaches Better-Auth (a wrong password is its own
    // answer, not a 413), and it loads what any sign-in loads before memory is measured.
    const normal = await raw("POST", "/api/auth/sign-in/email", {
      headers: { "content-type": "application/json", origin: server.url },
    });
    expect(normal.status).not.toBe(413);
    expect(normal.status).toBeLessThan(500);
    const before = rssBytes(server.child.pid!);
    const declared = await raw("POST", "/api/auth/sign-in/email", {
      headers: { "content-type": "application/json", "content-length": String(200 * 1024 * 1024) },
      bodyBytes: 200 * 1024 * 1024,
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ error: "payload_too_large" });
    expect(rssBytes(server.child.pid!) - before).toBeLessThanOrEqual(20 * 1024 * 1024);
    // Sent without a length (chunked): kept only up to the limit, then refused (what is left
    // is read and dropped as it arrives, so the connection stays usable).
    const chunked = await raw("POST", "/api/auth/sign-in/email", {
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
      bodyBytes: 8 * 1024 * 1024,
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body)).toMatchObject({ error: "payload_too_large" });
  });
});

describe("core-back's files under umask 022", () => {
  it("keeps its folder 0700 and its database and WAL 0600", () => {
    const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);
    expect(mode(dataDir)).toBe("700");
    expect(mode(join(dataDir, "core-back.db"))).toBe("600");
    expect(mode(join(dataDir, "core-back.db-wal"))).toBe("600");
  });
});
