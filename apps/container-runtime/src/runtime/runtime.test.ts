import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ContainerStatus, Message } from "@app-building/types";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../env.js";
import { createApp } from "../http/app.js";
import { wireRuntime, type Services } from "../wiring.js";

const TOKEN = "runtime-test-token-7";
const auth = { authorization: `Bearer ${TOKEN}` };

describe("the runtime with the generic command agent", () => {
  let services: Services | undefined;
  afterEach(async () => {
    if (services !== undefined) {
      services.runtime.stop();
      await services.runtime.exited;
      services.close();
    }
    services = undefined;
  });

  it("keeps the cost, session id and turn count of the result line the command prints", async () => {
    const dir = mkdtempSync(join(tmpdir(), "runtime-command-"));
    const resultLine = JSON.stringify({
      type: "result",
      result: "all done",
      total_cost_usd: 0.0123,
      session_id: "sess-42",
      num_turns: 3,
    });
    services = wireRuntime(
      loadConfig({
        CONTAINER_TOKEN: TOKEN,
        AGENT: "command",
        AGENT_COMMAND: `printf '%s\\n' '${resultLine}'`,
        DATA_DIR: join(dir, "data"),
        WORKSPACE_DIR: join(dir, "ws"),
        PATH: process.env.PATH,
      }),
    );
    await services.runtime.init();
    services.runtime.run();
    const app = createApp({ runtime: services.runtime, journal: services.journal, token: TOKEN, maxBodyBytes: 4096 });
    const accepted = await app.request("/message", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "work" }),
    });
    const { id } = (await accepted.json()) as { id: string };
    let message: Message;
    for (;;) {
      message = (await (await app.request(`/message/${id}`, { headers: auth })).json()) as Message;
      if (message.status !== "queued" && message.status !== "processing") break;
      await sleep(20);
    }
    expect(message).toMatchObject({ status: "done", result: "all done", costUsd: 0.0123, numTurns: 3 });
    const status = (await (await app.request("/status", { headers: auth })).json()) as ContainerStatus;
    expect(status.totalCostUsd).toBe(0.0123);
    expect(status.sessionId).toBe("sess-42");
  });
});
