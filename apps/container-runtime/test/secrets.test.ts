import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bareRepo, git } from "./helpers/git.js";
import { startRuntime, tempDir, waitForEvent, waitForMessage, type RuntimeProcess } from "./helpers/runtime-process.js";

// Names the old rule missed (the secret word sits in the middle of the name).
const DB_PASSWORD = "pw-Zq8vN3rT5yL1kM7c";
const SLASHED_TOKEN = "tok/Hq2Wd9/Xe4Rb7Ua0";
const SECRETS = [DB_PASSWORD, SLASHED_TOKEN];

// Every character as a JSON `\u` escape, the way some serializers write strings.
const uEscaped = (value: string) =>
  [...value].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");

// A command agent (a real node process) that leaks the secrets every way it can: plain,
// embedded, split across two lines, split across two writes, JSON-escaped, in its result
// and, for a prompt starting with "fail", in the error.
const AGENT = `
const [pw, tok] = [process.env.PASSWORD_DB, process.env.MY_TOKEN_2];
const prompt = process.argv.at(-1);
const out = (s) => process.stdout.write(s);
require("node:fs").appendFileSync("notes.txt", prompt + "\\n");
out("plain " + pw + "\\n");
out("embedded:" + pw + ":" + tok + "\\n");
out("split " + pw.slice(0, 9) + "\\n" + pw.slice(9) + " rest\\n");
process.stderr.write("stderr split " + tok.slice(0, 7) + "\\n" + tok.slice(7) + "\\n");
out('{"type":"note","text":"escaped ' + [...pw].map((c) => "\\\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")).join("") + '"}\\n');
out(JSON.stringify({ type: "note", text: "slashes " + tok }).replaceAll("/", "\\\\/") + "\\n");
out("chunk " + tok.slice(0, 5));
setTimeout(() => {
  out(tok.slice(5) + " end\\n");
  if (prompt.startsWith("fail")) {
    process.stderr.write("could not log in with " + pw + "\\n");
    process.exit(3);
  }
  out(JSON.stringify({ type: "result", result: "done, used " + pw + " and " + tok }) + "\\n");
}, 100);
`;

interface Delivery {
  body: string;
  headers: Record<string, string>;
}

async function webhookReceiver(): Promise<{ url: string; deliveries: Delivery[]; server: Server }> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      deliveries.push({ body, headers: req.headers as Record<string, string> });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, deliveries, server };
}

/** The runtime as a child of `sh -c 'umask 022 && exec node main.js'`, the way a default login shell starts it. */
function startRuntimeUnderUmask022(env: Record<string, string>): Promise<RuntimeProcess> {
  return startRuntime({ CONTAINER_NAME: "secrets-agent", ...env }, { umask: "022" });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** How often any form of a secret (plain, each half of it, `\u`-escaped) appears in `text`. */
function hits(text: string): string[] {
  const found: string[] = [];
  for (const secret of SECRETS) {
    const forms = [secret.slice(0, 5), secret.slice(-5), uEscaped(secret.slice(0, 3)), secret.replaceAll("/", "\\/")];
    for (const form of forms) if (text.includes(form)) found.push(form);
  }
  return found;
}

describe("secrets the agent prints never leave or rest in the runtime", () => {
  let rt: RuntimeProcess;
  let hooks: Awaited<ReturnType<typeof webhookReceiver>>;
  const dataDir = join(tempDir("secrets"), "data");
  const workspace = tempDir("secrets-ws");
  const remote = bareRepo();
  const webhookSecret = `whsec_${Buffer.from("a 32 byte key for signing hooks!").toString("base64")}`;
  let done: Record<string, unknown>;
  let failed: Record<string, unknown>;

  beforeAll(async () => {
    hooks = await webhookReceiver();
    rt = await startRuntimeUnderUmask022({
      AGENT: "command",
      AGENT_COMMAND: JSON.stringify([process.execPath, "-e", AGENT]),
      DATA_DIR: dataDir,
      WORKSPACE_DIR: workspace,
      REPO_URL: remote,
      PASSWORD_DB: DB_PASSWORD,
      MY_TOKEN_2: SLASHED_TOKEN,
      WEBHOOK_URL: hooks.url,
      WEBHOOK_SECRET: webhookSecret,
    });
    const first = await rt.api<{ id: string }>("/message", { body: { prompt: "leak everything" } });
    done = await waitForMessage(rt, first.body.id);
    const second = await rt.api<{ id: string }>("/message", { body: { prompt: "fail loudly" } });
    failed = await waitForMessage(rt, second.body.id);
    await rt.api("/stop", { body: {} });
    await rt.exited;
  });
  afterAll(async () => {
    await rt.kill();
    hooks.server.close();
  });

  it("redacts the result and the error the API answers with", () => {
    expect(done).toMatchObject({ status: "done", result: "done, used [REDACTED] and [REDACTED]" });
    expect(failed.status).toBe("error");
    expect(failed.error).toContain("could not log in with [REDACTED]");
    expect(hits(JSON.stringify([done, failed]))).toEqual([]);
  });

  it("journals each leak redacted in place, the line structure kept", () => {
    const db = new Database(join(dataDir, "runtime.sqlite"), { readonly: true });
    const events = db.prepare<[], { data: string }>("SELECT data FROM events WHERE kind = 'agent'").all();
    const logs = db.prepare<[], { line: string }>("SELECT line FROM logs WHERE stream = 'stderr'").all();
    db.close();
    const texts = events.map((e) => (JSON.parse(e.data) as { text?: string }).text);
    expect(texts).toEqual(
      expect.arrayContaining([
        "plain [REDACTED]",
        "embedded:[REDACTED]:[REDACTED]",
        "split [REDACTED]",
        "[REDACTED] rest",
        "escaped [REDACTED]",
        "slashes [REDACTED]",
        "chunk [REDACTED] end",
      ]),
    );
    expect(logs.map((l) => l.line)).toEqual(expect.arrayContaining(["stderr split [REDACTED]", "[REDACTED]"]));
  });

  it("leaves no form of a secret in any file of the data directory", () => {
    const files = filesUnder(dataDir);
    expect(files.map((file) => file.slice(dataDir.length + 1))).toContain("runtime.sqlite");
    for (const file of files) expect({ file, hits: hits(readFileSync(file, "latin1")) }).toEqual({ file, hits: [] });
  });

  it("sends webhooks with no secret, signed so a standardwebhooks receiver verifies them", () => {
    expect(hooks.deliveries.length).toBeGreaterThan(4);
    const verifier = new Webhook(webhookSecret);
    for (const { body, headers } of hooks.deliveries) {
      expect(headers.authorization).toBeUndefined();
      expect(hits(body)).toEqual([]);
      expect(JSON.stringify(headers)).not.toContain(webhookSecret.slice(6));
      expect(() => verifier.verify(body, headers)).not.toThrow();
    }
  });

  it("keeps the database 0600 and the data directory 0700 under umask 022", () => {
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    for (const file of filesUnder(dataDir))
      expect({ file, mode: statSync(file).mode & 0o777 }).toEqual({ file, mode: 0o600 });
  });

  it("pushes commits whose objects hold no secret", () => {
    const objects = execFileSync("git", ["cat-file", "--batch-all-objects", "--batch"], { cwd: remote }).toString(
      "latin1",
    );
    expect(hits(objects)).toEqual([]);
    expect(hits(git(workspace, "log", "-p", "--all"))).toEqual([]);
  });
});

describe("a prompt that carries a secret", () => {
  it("is committed with its first line redacted", async () => {
    const workspace = tempDir("secrets-commit-ws");
    const rt = await startRuntimeUnderUmask022({
      AGENT: "command",
      AGENT_COMMAND: "echo done > out.txt # the prompt ($1) stays out of the file",
      DATA_DIR: tempDir("secrets-commit-data"),
      WORKSPACE_DIR: workspace,
      PASSWORD_DB: DB_PASSWORD,
    });
    try {
      const sent = await rt.api<{ id: string }>("/message", { body: { prompt: `log in with ${DB_PASSWORD} please` } });
      const committed = await waitForEvent(rt, (e) => e.messageId === sent.body.id && e.kind === "git.committed");
      expect(committed.event.data.message).toContain("log in with [REDACTED] please");
      expect(git(workspace, "log", "-1", "--format=%s")).toContain("log in with [REDACTED] please");
      expect(hits(git(workspace, "log", "-p", "--all"))).toEqual([]);
    } finally {
      await rt.kill();
    }
  });
});
