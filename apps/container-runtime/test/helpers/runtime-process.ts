import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The built runtime entry point (tests run after `pnpm build`). */
export const MAIN = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "main.js");

export const TOKEN = "test-token-0123456789";

/** A fresh temp folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

/** A runtime started as a real child process (`node dist/main.js`) on an ephemeral port. */
export interface RuntimeProcess {
  child: ChildProcess;
  url: string;
  port: number;
  stderr: () => string;
  /** Resolves with the exit code once the process is gone. */
  exited: Promise<number | null>;
  /** GET/POST with the token, JSON in and out. */
  api: <T = unknown>(
    path: string,
    init?: { method?: string; body?: unknown; headers?: Record<string, string> },
  ) => Promise<{ status: number; body: T; headers: Headers }>;
  kill: (signal?: NodeJS.Signals) => Promise<void>;
}

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/**
 * Starts the runtime with the given env on top of a minimal one, and waits for its ready line.
 * With `umask`, it runs as a child of `sh -c 'umask <mask> && exec node main.js'`, the way a
 * login shell with that umask starts it.
 */
export async function startRuntime(
  env: Record<string, string>,
  options: { umask?: string } = {},
): Promise<RuntimeProcess> {
  const [file, args] =
    options.umask === undefined
      ? [process.execPath, [MAIN]]
      : ["/bin/sh", ["-c", `umask ${options.umask} && exec "$0" "$1"`, process.execPath, MAIN]];
  const child = spawn(file, args, {
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? tmpdir(),
      PORT: "0",
      HOST: "127.0.0.1",
      CONTAINER_NAME: "test-agent",
      CONTAINER_TOKEN: TOKEN,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(child);
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code) => {
      live.delete(child);
      resolve(code);
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
    void exited.then((code) => reject(new Error(`runtime exited (${code}) before it was ready: ${stderr}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  const api = async <T>(
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const response = await fetch(url + path, {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", ...init.headers },
      body: init.body === undefined ? undefined : typeof init.body === "string" ? init.body : JSON.stringify(init.body),
    });
    const text = await response.text();
    return { status: response.status, body: (text === "" ? null : JSON.parse(text)) as T, headers: response.headers };
  };
  return {
    child,
    url,
    port,
    stderr: () => stderr,
    exited,
    api,
    kill: async (signal: NodeJS.Signals = "SIGKILL") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** Polls `check` until it returns a value other than undefined (or fails after `ms`). */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  ms = 30_000,
  what = "condition",
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One journal event as the API returns it. */
export interface EventItem {
  offset: number;
  time: string;
  messageId: string | null;
  kind: string;
  data: Record<string, unknown>;
}

/**
 * Reads `/events` from `offset` with long-polls until `match` finds an event; returns it
 * and every event read on the way.
 */
export async function waitForEvent(
  rt: RuntimeProcess,
  match: (event: EventItem) => boolean,
  options: { offset?: number; ms?: number } = {},
): Promise<{ event: EventItem; seen: EventItem[] }> {
  const until = Date.now() + (options.ms ?? 60_000);
  let offset = options.offset ?? 0;
  const seen: EventItem[] = [];
  while (Date.now() < until) {
    const { body } = await rt.api<{ items: EventItem[]; nextOffset: number }>(`/events?offset=${offset}&wait=5`);
    for (const item of body.items) {
      seen.push(item);
      if (match(item)) return { event: item, seen };
    }
    offset = body.nextOffset;
  }
  throw new Error(`no matching event; saw kinds ${seen.map((e) => e.kind).join(",")}`);
}

/** Waits until the message reaches a final status and returns it. */
export async function waitForMessage(rt: RuntimeProcess, id: string, ms = 60_000): Promise<Record<string, unknown>> {
  await waitForEvent(rt, (e) => e.messageId === id && /^message\.(done|error|interrupted)$/.test(e.kind), { ms });
  return (await rt.api<Record<string, unknown>>(`/message/${id}`)).body;
}

/** Long-polls `/logs` until a line matches; returns it. */
export async function waitForLog(rt: RuntimeProcess, match: (line: string) => boolean, ms = 30_000): Promise<string> {
  const until = Date.now() + ms;
  let offset = 0;
  while (Date.now() < until) {
    const { body } = await rt.api<{ items: { line: string }[]; nextOffset: number }>(`/logs?offset=${offset}&wait=5`);
    const found = body.items.find((item) => match(item.line));
    if (found !== undefined) return found.line;
    offset = body.nextOffset;
  }
  throw new Error("no matching log line");
}
