import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FileContainerRegistry, createClient, startContainer, type AgentState } from "@app-building/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BRAND } from "../src/views/brand.js";
import { Browser, readUntil, startConsole, startCoreBack, type ConsoleServer, type CoreBack } from "./harness.js";

const ADMIN = { email: "ops@example.test", password: "ops-password" };
const CONTAINER_SECRET = "console-visible-secret-9f8e7d";

let coreBack: CoreBack;
let consoleServer: ConsoleServer;
let dir: string;
let registry: FileContainerRegistry;
let container: AgentState;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "console-containers-"));
  const registryPath = join(dir, ".container-registry.jsonl");
  registry = new FileContainerRegistry(registryPath);
  coreBack = await startCoreBack();
  await coreBack.createUser(ADMIN.email, ADMIN.password, "admin");
  // A real runtime as a local process, running a real command as its agent (echo: instant).
  container = await startContainer(
    {
      projectRoot: dir,
      registry,
      driver: "process",
      agent: "command",
      // A secret in the container's environment: whatever of it the agent prints must reach
      // the console's pages only as [REDACTED].
      envVars: { AGENT_COMMAND: "echo reply:", DEPLOY_PASSWORD: CONTAINER_SECRET },
    },
    { repoUrl: "", cloneBranch: "", pushBranch: "" },
  );
  // A container that no longer answers: logged, then its process is gone.
  await registry.log({ ...container, containerName: "gone-one", baseUrl: "http://127.0.0.1:9", pid: undefined });
  consoleServer = await startConsole(coreBack.url, registryPath);
  browser = new Browser(consoleServer.url);
  await browser.signIn(ADMIN.email, ADMIN.password);
});

afterAll(async () => {
  await consoleServer?.close();
  await coreBack?.stop();
  if (container?.pid !== undefined) {
    try {
      process.kill(-container.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Reads the console's SSE proxy until an event line matches. */
async function eventsUntil(path: string, match: RegExp, headers: Record<string, string> = {}): Promise<string> {
  const response = await browser.request(path, { headers: { accept: "text/event-stream", ...headers } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  return readUntil(response, (text) => match.test(text));
}

describe("containers", () => {
  it("lists the registry's containers newest first, with a live status, and never their token", async () => {
    const page = await browser.get("/containers");
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<title>Containers · ${BRAND}</title>`);
    const live = page.text.indexOf(`>${container.containerName}</a>`);
    const gone = page.text.indexOf(">gone-one</a>");
    expect(gone).toBeGreaterThan(-1);
    expect(live).toBeGreaterThan(gone);
    expect(page.text).toContain(container.baseUrl);
    expect(page.text).toMatch(/badge-idle/);
    expect(page.text).toContain("not answering");
    expect(page.text).not.toContain(container.token);
  });

  it("shows one container's status and the forms to drive it", async () => {
    const page = await browser.get(`/containers/${container.containerName}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("badge-idle");
    expect(page.text).toContain('<label for="prompt">');
    expect(page.text).toMatch(/<button type="submit">Interrupt<\/button>/);
    expect(page.text).toMatch(/<button type="submit" class="danger">Stop<\/button>/);
    expect(page.text).toMatch(/data-events-url="\/containers\/[^"]+\/events\?offset=\d+"/);
    expect(page.text).not.toContain(container.token);
  });

  it("sends a prompt: the page stays, and its events arrive through the event stream", async () => {
    const sent = await browser.submit(`/containers/${container.containerName}/message`, { prompt: "hello console" });
    expect(sent.status).toBe(200);
    expect(sent.text).toMatch(/role="status">The prompt was queued/);
    const stream = await eventsUntil(`/containers/${container.containerName}/events?offset=0`, /message\.done/);
    expect(stream).toMatch(
      /data: \{"offset":\d+,"kind":"agent","time":"[^"]+","summary":"text: reply: hello console"\}\nid: \d+\n/,
    );
    expect(stream).toContain('"kind":"message.started"');
    expect(stream).not.toContain(container.token);
  });

  it("shows a secret the agent printed only as [REDACTED], in the event stream and on the page", async () => {
    const sent = await browser.submit(`/containers/${container.containerName}/message`, {
      prompt: `print ${CONTAINER_SECRET} twice ${CONTAINER_SECRET}`,
    });
    expect(sent.status).toBe(200);
    const stream = await eventsUntil(
      `/containers/${container.containerName}/events?offset=0`,
      /reply: print \[REDACTED\][^\n]*message\.done|message\.done[\s\S]*reply: print \[REDACTED\][\s\S]*message\.done/,
    );
    expect(stream).toContain("reply: print [REDACTED] twice [REDACTED]");
    expect(stream).not.toContain(CONTAINER_SECRET);
    const page = await browser.get(`/containers/${container.containerName}`);
    expect(page.text).not.toContain(CONTAINER_SECRET);
  });

  it("resumes the event stream after the Last-Event-ID it is given", async () => {
    const first = await eventsUntil(`/containers/${container.containerName}/events?offset=0`, /id: 1\n/);
    expect(first).toMatch(/^id: 0\n/m);
    const resumed = await eventsUntil(`/containers/${container.containerName}/events`, /message\.done/, {
      "last-event-id": "1",
    });
    expect(resumed).not.toMatch(/^id: [01]\n/m);
    expect(resumed).toMatch(/^id: 2\n/m);
  });

  it("interrupts, and stops the container", async () => {
    const interrupted = await browser.submit(`/containers/${container.containerName}/interrupt`);
    expect(interrupted.text).toMatch(/role="status">The current turn was interrupted/);
    const stopping = await browser.submit(`/containers/${container.containerName}/stop`);
    expect(stopping.text).toMatch(/role="status">The container is stopping/);
    await createClient(container).waitForStopped({ timeoutMs: 30_000 });
    const list = await browser.get("/containers");
    const row = list.text.slice(list.text.indexOf(`>${container.containerName}</a>`));
    expect(row.slice(0, row.indexOf("</tr>"))).toMatch(/not answering|badge-stopped/);
  });

  it("says which containers it does not know, and when one does not answer", async () => {
    const unknown = await browser.get("/containers/no-such-container");
    expect(unknown.status).toBe(404);
    expect(unknown.text).toMatch(/role="alert">no container &quot;no-such-container&quot; in the registry/);
    const gone = await browser.post("/containers/gone-one/message", { prompt: "anyone?" });
    expect(gone.status).toBe(502);
    expect(gone.text).toMatch(/role="alert">sending the prompt failed: no answer from http:\/\/127\.0\.0\.1:9/);
    const empty = await browser.post(`/containers/gone-one/message`, { prompt: "   " });
    expect(empty.status).toBe(400);
  });
});
