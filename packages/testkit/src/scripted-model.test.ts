import { describe, expect, it } from "vitest";
import { isToolResultTurn, lastUserText, startScriptedModel } from "./scripted-model.js";

async function ask(url: string, body: unknown): Promise<string> {
  const response = await fetch(`${url}/v1/messages`, { method: "POST", body: JSON.stringify(body) });
  return response.text();
}

describe("the scripted model", () => {
  it("streams a scripted tool call as the Messages API's SSE events, in order", async () => {
    const model = await startScriptedModel([
      {
        text: "Let me write it",
        toolUses: [{ name: "Write", id: "toolu_1", input: { file_path: "/x", content: "y" } }],
      },
    ]);
    try {
      const text = await ask(model.url, {
        model: "m",
        stream: true,
        tools: [{ name: "Write" }],
        messages: [{ role: "user", content: "go" }],
      });
      const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
      expect(events).toEqual([
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
      ]);
      expect(text).toContain('"partial_json":"{\\"file_path\\":\\"/x\\",\\"content\\":\\"y\\"}"');
      expect(text).toContain('"stop_reason":"tool_use"');
      expect(model.remaining()).toBe(0);
    } finally {
      await model.close();
    }
  });

  it("answers side requests without tools with short text and keeps the script for the conversation", async () => {
    const model = await startScriptedModel([{ text: "scripted" }]);
    try {
      const side = JSON.parse(
        await ask(model.url, { model: "m", messages: [{ role: "user", content: "title?" }] }),
      ) as { content: { text: string }[] };
      expect(side.content[0]?.text).toBe("ok");
      expect(model.remaining()).toBe(1);
      const main = await ask(model.url, { model: "m", tools: [{}], messages: [{ role: "user", content: "hi" }] });
      expect(JSON.parse(main)).toMatchObject({
        content: [{ type: "text", text: "scripted" }],
        stop_reason: "end_turn",
      });
      const after = await ask(model.url, { model: "m", tools: [{}], messages: [] });
      expect(JSON.parse(after)).toMatchObject({ content: [{ type: "text", text: "(script exhausted)" }] });
      expect(model.requests.map((r) => r.scripted)).toEqual([false, true, true]);
    } finally {
      await model.close();
    }
  });

  it("reads the last user text and spots tool results", () => {
    const request = {
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: [{ type: "tool_use" }] },
        {
          role: "user",
          content: [
            { type: "tool_result", content: "ok" },
            { type: "text", text: "second" },
          ],
        },
      ],
    };
    expect(lastUserText(request)).toBe("second");
    expect(isToolResultTurn(request)).toBe(true);
    expect(isToolResultTurn({ messages: [{ role: "user", content: "x" }] })).toBe(false);
  });

  it("answers anything but POST /v1/messages with a 404 error body", async () => {
    const model = await startScriptedModel();
    try {
      const response = await fetch(`${model.url}/v1/models`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ type: "error" });
    } finally {
      await model.close();
    }
  });
});
