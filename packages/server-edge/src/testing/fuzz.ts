import { request } from "node:http";

/** A small seeded random source (mulberry32): a failing fuzz run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One request a fuzzer sends. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/** What the fuzzer may pick from; credentials let some requests reach past the edge. */
export interface FuzzSpace {
  paths: readonly string[];
  /** Headers sometimes added whole (a valid credential, say), each with its own odds. */
  extraHeaders?: readonly Record<string, string>[];
}

const METHODS = [
  "GET",
  "GET",
  "POST",
  "POST",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "HEAD",
  "OPTIONS",
  "TRACE",
  "PROPFIND",
];
const TYPES = [
  "application/json",
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "application/json; charset=latin1",
  "",
  "*/*",
];
const BODIES = [
  "{}",
  '{"scope":"platform"}',
  '{"scope":"all"}',
  '{"scope":"nope"}',
  '{"prompt":"x"}',
  '{"prompt":""}',
  '{"mode":"unrestricted"}',
  '{"email":"a@b.c","password":"x"}',
  "[]",
  "null",
  "42",
  '"str"',
  "{",
  '{"__proto__":{"x":1}}',
  '{"scope":{"$gt":""}}',
  "a=b&c=d",
  "\u0000\u0001\u0002",
  "%",
  '{"a":' + "[".repeat(2000) + "]".repeat(2000) + "}",
];
const HEADERS: [string, string][] = [
  ["origin", "http://evil.example"],
  ["origin", "null"],
  ["origin", "http://127.0.0.1:1"],
  ["host", "rebind.attacker.example"],
  ["host", ""],
  ["host", "127.0.0.1:1"],
  ["x-forwarded-for", "1.2.3.4"],
  ["Via", "1.1 proxy"],
  ["sec-fetch-site", "cross-site"],
  ["sec-fetch-site", "same-site"],
  ["authorization", "Bearer nope"],
  ["authorization", "Basic Zm9vOmJhcg=="],
  ["x-api-key", "nope"],
  ["cookie", "better-auth.session_token=abc.def"],
  ["content-encoding", "gzip"],
  ["content-encoding", "br"],
  ["accept", "text/event-stream"],
  ["last-event-id", "-1"],
  ["last-event-id", "99999999999999999999"],
  ["idempotency-key", "k"],
  ["idempotency-key", "x".repeat(500)],
  ["range", "bytes=0-1"],
];
const SUFFIXES = [
  "",
  "?wait=false",
  "?limit=0",
  "?limit=abc",
  "?offset=-1",
  "?offset=1e30",
  "?follow=1&wait=false",
  "/%",
  "/%E0%A4%A",
  "/../x",
  "?cursor=x",
  "/x",
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/**
 * A random request: method, path (a known one, sometimes mangled), content type, body and
 * headers, each drawn from what has broken servers before.
 */
export function randomRequest(random: () => number, space: FuzzSpace): FuzzRequest {
  const method = pick(random, METHODS);
  let path = pick(random, space.paths);
  if (random() < 0.5) path = path.replace(/\?.*$/, "") + pick(random, SUFFIXES);
  const headers: Record<string, string> = {};
  const type = pick(random, TYPES);
  if (type !== "" && random() < 0.9) headers["content-type"] = type;
  for (const [name, value] of HEADERS) if (random() < 0.06) headers[name] = value;
  for (const extra of space.extraHeaders ?? []) if (random() < 0.4) Object.assign(headers, extra);
  let body: Buffer | undefined;
  if (method !== "GET" && method !== "HEAD" && random() < 0.85) {
    body =
      random() < 0.1
        ? Buffer.from(Array.from({ length: Math.floor(random() * 4096) }, () => Math.floor(random() * 256)))
        : Buffer.from(pick(random, BODIES));
  }
  return { method, path, headers, body };
}

/**
 * Sends one request on a new connection and answers its status (0 when the server closed
 * the connection without an answer, which a fuzz test should count as a failure too).
 */
export function sendRaw(baseUrl: string, fuzz: FuzzRequest): Promise<number> {
  return new Promise((resolve) => {
    const url = new URL(baseUrl);
    const headers = { ...fuzz.headers };
    if (fuzz.body !== undefined) headers["content-length"] = String(fuzz.body.length);
    const req = request(
      { host: url.hostname, port: url.port, method: fuzz.method, path: fuzz.path, headers, agent: false },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(res.statusCode ?? 0));
        // A stream (log follow, SSE) answers its status at once; the test does not read it to the end.
        if (res.headers["content-type"]?.includes("event-stream") === true || fuzz.path.includes("follow")) {
          resolve(res.statusCode ?? 0);
          res.destroy();
        }
      },
    );
    req.on("error", () => resolve(0));
    req.end(fuzz.body);
  });
}

/**
 * Sends `count` random requests, `parallel` at a time, and answers how many got each status.
 *
 * @example
 * ```ts
 * const statuses = await fuzz(server.url, { paths: ["/deploy"] }, { count: 1000, seed: 1 });
 * expect(Object.keys(statuses).filter((s) => Number(s) >= 500 || s === "0")).toEqual([]);
 * ```
 */
export async function fuzz(
  baseUrl: string,
  space: FuzzSpace,
  options: { count: number; seed: number; parallel?: number },
): Promise<{ statuses: Record<string, number>; failures: FuzzRequest[] }> {
  const random = seededRandom(options.seed);
  const statuses: Record<string, number> = {};
  const failures: FuzzRequest[] = [];
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < options.count) {
      sent += 1;
      const next = randomRequest(random, space);
      const status = await sendRaw(baseUrl, next);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 500 || status === 0) failures.push(next);
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 8 }, worker));
  return { statuses, failures };
}
