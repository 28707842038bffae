import { startScriptedModel } from "@app-building/testkit";
import { describe, expect, it } from "vitest";
import { startRuntime, tempDir, waitForLog, waitForMessage } from "./helpers/runtime-process.js";

describe("Claude Code sessions across runtime restarts", () => {
  it("continue the same conversation after a restart, and start a new one when the session is gone", async () => {
    const model = await startScriptedModel();
    const env = {
      AGENT: "claude",
      DATA_DIR: tempDir("restart-data"),
      WORKSPACE_DIR: tempDir("restart-ws"),
      ...model.env(),
    };
    const home = tempDir("restart-home");
    try {
      const first = await startRuntime({ ...env, HOME: home });
      model.push({ text: "Noted: the codeword is heron" });
      const one = await first.api<{ id: string }>("/message", { body: { prompt: "Remember the codeword heron" } });
      const session = (await waitForMessage(first, one.body.id)).sessionId as string;
      await first.api("/stop", { method: "POST" });
      expect(await first.exited).toBe(0);

      const second = await startRuntime({ ...env, HOME: home });
      expect((await second.api<{ sessionId: string }>("/status")).body.sessionId).toBe(session);
      model.push({ text: "The codeword is heron" });
      const two = await second.api<{ id: string }>("/message", { body: { prompt: "What is the codeword?" } });
      expect(await waitForMessage(second, two.body.id)).toMatchObject({ status: "done", sessionId: session });
      expect(JSON.stringify(model.requests.at(-1)!.body.messages)).toContain("Remember the codeword heron");
      await second.api("/stop", { method: "POST" });
      expect(await second.exited).toBe(0);

      const third = await startRuntime({ ...env, HOME: tempDir("restart-fresh-home") });
      model.push({ text: "I do not know any codeword" });
      const three = await third.api<{ id: string }>("/message", { body: { prompt: "What is the codeword?" } });
      const answer = await waitForMessage(third, three.body.id);
      expect(answer).toMatchObject({ status: "done", result: "I do not know any codeword" });
      expect(answer.sessionId).not.toBe(session);
      await waitForLog(third, (line) => line === `session ${session} is gone; starting a new conversation`);
      await third.kill();
    } finally {
      await model.close();
    }
  });
});
