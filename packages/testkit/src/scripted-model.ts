import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A tool call the scripted model makes: the agent CLI runs the tool for real. */
export interface ScriptedToolUse {
  name: string;
  input: Record<string, unknown>;
  /** Defaults to a fresh `toolu_...` id. */
  id?: string;
}

/** One scripted answer of the model. */
export interface ScriptedReply {
  /** Text blocks streamed before any tool call. */
  text?: string;
  /** Tool calls; with any, `stop_reason` is `tool_use` and the CLI answers with their results. */
  toolUses?: ScriptedToolUse[];
  /** Waits this long before answering (to keep a turn in flight). */
  delayMs?: number;
  /** Token usage reported for this answer. */
  usage?: { input_tokens: number; output_tokens: number };
}

/** A request the model received, for assertions. */
export interface ReceivedRequest {
  path: string;
  body: MessagesRequest;
  /** Whether it was part of the scripted conversation (it offered tools) rather than a side request. */
  scripted: boolean;
}

/** The fields of a Messages API request the double looks at. */
export interface MessagesRequest {
  model?: string;
  stream?: boolean;
  tools?: unknown[];
  system?: unknown;
  messages?: { role: string; content: unknown }[];
  [key: string]: unknown;
}

/** Decides a reply from the request (return undefined to take the next scripted step). */
export type ReplyFunction = (request: MessagesRequest, index: number) => ScriptedReply | undefined;

/** A running scripted model. */
export interface ScriptedModel {
  /** `http://127.0.0.1:<port>`: set it as `ANTHROPIC_BASE_URL`. */
  url: string;
  /** Every request so far. */
  requests: ReceivedRequest[];
  /** Adds answers to the end of the script. */
  push(...replies: ScriptedReply[]): void;
  /** How many scripted steps are still unused. */
  remaining(): number;
  /** The env a Claude Code CLI needs to talk to this double. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

/** The text of the last user turn of a request (string or text blocks; tool results ignored). */
export function lastUserText(request: MessagesRequest): string {
  const last = [...(request.messages ?? [])].reverse().find((m) => m.role === "user");
  if (last === undefined) return "";
  if (typeof last.content === "string") return last.content;
  if (!Array.isArray(last.content)) return "";
  return (last.content as { type?: string; text?: string }[])
    .filter((block) => block.type === "text" && typeof block.text === "string")
    .map((block) => block.text)
    .join("\n");
}

/** Whether the last user turn carries tool results (the CLI answering a tool call). */
export function isToolResultTurn(request: MessagesRequest): boolean {
  const last = [...(request.messages ?? [])].reverse().find((m) => m.role === "user");
  return Array.isArray(last?.content) && (last.content as { type?: string }[]).some((b) => b.type === "tool_result");
}

function sse(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function streamReply(res: ServerResponse, model: string, reply: ScriptedReply): void {
  const usage = reply.usage ?? { input_tokens: 100, output_tokens: 20 };
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    "request-id": `req_${randomUUID()}`,
  });
  sse(res, "message_start", {
    type: "message_start",
    message: {
      id: `msg_${randomUUID().replaceAll("-", "")}`,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: usage.input_tokens, output_tokens: 1 },
    },
  });
  let index = 0;
  if (reply.text !== undefined) {
    sse(res, "content_block_start", { type: "content_block_start", index, content_block: { type: "text", text: "" } });
    // two deltas, as a real model streams words
    const half = Math.ceil(reply.text.length / 2);
    for (const part of [reply.text.slice(0, half), reply.text.slice(half)]) {
      if (part !== "")
        sse(res, "content_block_delta", {
          type: "content_block_delta",
          index,
          delta: { type: "text_delta", text: part },
        });
    }
    sse(res, "content_block_stop", { type: "content_block_stop", index });
    index++;
  }
  for (const tool of reply.toolUses ?? []) {
    sse(res, "content_block_start", {
      type: "content_block_start",
      index,
      content_block: {
        type: "tool_use",
        id: tool.id ?? `toolu_${randomUUID().replaceAll("-", "")}`,
        name: tool.name,
        input: {},
      },
    });
    sse(res, "content_block_delta", {
      type: "content_block_delta",
      index,
      delta: { type: "input_json_delta", partial_json: JSON.stringify(tool.input) },
    });
    sse(res, "content_block_stop", { type: "content_block_stop", index });
    index++;
  }
  const stop = (reply.toolUses ?? []).length > 0 ? "tool_use" : "end_turn";
  sse(res, "message_delta", {
    type: "message_delta",
    delta: { stop_reason: stop, stop_sequence: null },
    usage: { output_tokens: usage.output_tokens },
  });
  sse(res, "message_stop", { type: "message_stop" });
  res.end();
}

function jsonReply(res: ServerResponse, model: string, reply: ScriptedReply): void {
  const content: unknown[] = [];
  if (reply.text !== undefined) content.push({ type: "text", text: reply.text });
  for (const tool of reply.toolUses ?? []) {
    content.push({
      type: "tool_use",
      id: tool.id ?? `toolu_${randomUUID().replaceAll("-", "")}`,
      name: tool.name,
      input: tool.input,
    });
  }
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      id: `msg_${randomUUID().replaceAll("-", "")}`,
      type: "message",
      role: "assistant",
      model,
      content,
      stop_reason: (reply.toolUses ?? []).length > 0 ? "tool_use" : "end_turn",
      stop_sequence: null,
      usage: reply.usage ?? { input_tokens: 100, output_tokens: 20 },
    }),
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = "";
  req.setEncoding("utf8");
  for await (const chunk of req as AsyncIterable<string>) body += chunk;
  return body;
}

/**
 * Starts a double of the Anthropic Messages API on 127.0.0.1 (an ephemeral port) that
 * answers from a script, streaming the same SSE events a real model does (message_start,
 * content_block_start/delta/stop for text and tool_use, message_delta, message_stop).
 *
 * Requests that offer tools are the agent's conversation: each takes the next scripted
 * reply (or what `decide` returns). Side requests without tools (titles, summaries) get a
 * short text answer and consume nothing. When the script runs out, the model answers
 * `"(script exhausted)"` and ends its turn.
 *
 * @example
 * ```ts
 * const model = await startScriptedModel([
 *   { toolUses: [{ name: "Write", input: { file_path: "/w/a.txt", content: "hi" } }] },
 *   { text: "Wrote a.txt" },
 * ]);
 * // ANTHROPIC_BASE_URL=model.url claude -p "write a.txt" ...
 * await model.close();
 * ```
 */
export async function startScriptedModel(script: ScriptedReply[] = [], decide?: ReplyFunction): Promise<ScriptedModel> {
  const steps = [...script];
  const requests: ReceivedRequest[] = [];
  let scriptedIndex = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const path = req.url ?? "/";
      if (req.method !== "POST" || !path.startsWith("/v1/messages")) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            type: "error",
            error: { type: "not_found_error", message: `no route ${req.method} ${path}` },
          }),
        );
        return;
      }
      let body: MessagesRequest;
      try {
        body = JSON.parse(await readBody(req)) as MessagesRequest;
      } catch {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(
          JSON.stringify({ type: "error", error: { type: "invalid_request_error", message: "body is not JSON" } }),
        );
        return;
      }
      if (path.startsWith("/v1/messages/count_tokens")) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ input_tokens: 100 }));
        return;
      }
      const scripted = Array.isArray(body.tools) && body.tools.length > 0;
      requests.push({ path, body, scripted });
      const model = body.model ?? "claude-scripted";
      let reply: ScriptedReply;
      if (!scripted) {
        reply = { text: "ok" };
      } else {
        const index = scriptedIndex++;
        reply = decide?.(body, index) ?? steps.shift() ?? { text: "(script exhausted)" };
      }
      if (reply.delayMs !== undefined) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, reply.delayMs);
          res.on("close", () => {
            clearTimeout(timer);
            resolve();
          });
        });
        if (res.destroyed) return;
      }
      if (body.stream === true) streamReply(res, model, reply);
      else jsonReply(res, model, reply);
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ type: "error", error: { type: "api_error", message: String(error) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    requests,
    push: (...replies) => steps.push(...replies),
    remaining: () => steps.length,
    env: () => ({
      ANTHROPIC_BASE_URL: url,
      ANTHROPIC_API_KEY: "scripted-model-key",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      DISABLE_AUTOUPDATER: "1",
      DISABLE_TELEMETRY: "1",
      IS_SANDBOX: "1",
    }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
