import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { WebhookPayload } from "@app-building/types";
import { startScriptedModel } from "@app-building/testkit";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { bareRepo, filesOnBranch } from "./helpers/git.js";
import { startRuntime, tempDir, waitForLog } from "./helpers/runtime-process.js";

const SECRET = `whsec_${Buffer.from("a webhook signing key, 32 bytes!").toString("base64")}`;

interface Received {
  id: string;
  payload: WebhookPayload;
  verified: boolean;
  bearer: string | undefined;
}

/** A webhook receiver on a fixed port that can be taken down and brought back. */
function receiver(): { received: Received[]; listen: (port?: number) => Promise<number>; down: () => Promise<void> } {
  const received: Received[] = [];
  const verifier = new Webhook(SECRET);
  let server: Server | null = null;
  return {
    received,
    listen: (port = 0) =>
      new Promise((resolve) => {
        server = createServer((req, res) => {
          let body = "";
          req.on("data", (chunk: Buffer) => (body += chunk.toString()));
          req.on("end", () => {
            let verified = true;
            try {
              verifier.verify(body, req.headers as Record<string, string>);
            } catch {
              verified = false;
            }
            received.push({
              id: String(req.headers["webhook-id"]),
              payload: JSON.parse(body) as WebhookPayload,
              verified,
              bearer: req.headers.authorization,
            });
            res.writeHead(204).end();
          });
        });
        server.listen(port, "127.0.0.1", () => resolve((server!.address() as AddressInfo).port));
      }),
    down: () =>
      new Promise((resolve) => {
        server!.closeAllConnections();
        server!.close(() => resolve());
      }),
  };
}

describe("a detached container with an initial prompt", () => {
  it("works the prompt, pushes, exits by itself, and delivers every webhook in order though the receiver was down", async () => {
    const model = await startScriptedModel();
    const workspace = tempDir("detached-ws");
    model.push(
      { toolUses: [{ name: "Write", input: { file_path: join(workspace, "initial.txt"), content: "done\n" } }] },
      { text: "Wrote initial.txt" },
    );
    const hooks = receiver();
    const port = await hooks.listen();
    await hooks.down();
    const bare = bareRepo();
    const rt = await startRuntime({
      AGENT: "claude",
      DETACHED: "1",
      INITIAL_PROMPT: "Create initial.txt",
      REPO_URL: bare,
      PUSH_BRANCH: "agent/detached",
      DATA_DIR: tempDir("detached-data"),
      WORKSPACE_DIR: workspace,
      HOME: tempDir("detached-home"),
      WEBHOOK_URL: `http://127.0.0.1:${port}/hooks`,
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_BEARER_TOKEN: "receiver-token-42",
      WEBHOOK_RETRY_BASE_MS: "100",
      WEBHOOK_RETRY_MAX_MS: "400",
      WEBHOOK_MAX_ATTEMPTS: "100",
      ...model.env(),
    });
    try {
      // the receiver is down while the container starts and works; it comes back later
      const { body } = await rt.api<{ queueLength: number; detachRequested: boolean }>("/status");
      expect(body.detachRequested).toBe(true);
      await waitForLog(rt, (line) => /webhook container\.started .* attempt 3 failed/.test(line));
      await hooks.listen(port);
      expect(await rt.exited).toBe(0);
      expect(filesOnBranch(bare, "agent/detached")).toEqual(["README.md", "initial.txt"]);

      const types = hooks.received.map((r) => r.payload.type);
      expect(types).toEqual([
        "container.started",
        "message.queued",
        "message.started",
        "git.pushed",
        "message.done",
        "container.stopping",
        "container.stopped",
      ]);
      expect(hooks.received.every((r) => r.verified)).toBe(true);
      // the receiver's own token, never the signing secret
      expect(hooks.received.every((r) => r.bearer === "Bearer receiver-token-42")).toBe(true);
      expect(new Set(hooks.received.map((r) => r.id)).size).toBe(hooks.received.length);
      const done = hooks.received.find((r) => r.payload.type === "message.done")!.payload;
      expect(done).toMatchObject({
        containerName: "test-agent",
        data: { status: "done", result: "Wrote initial.txt" },
      });
      expect(JSON.stringify(hooks.received.map((r) => r.payload))).not.toContain(SECRET.slice(6));
    } finally {
      await rt.kill();
      await hooks.down().catch(() => undefined);
      await model.close();
    }
  });
});
