import { z } from "zod";
import { webhookEventKindSchema } from "./container.js";

/**
 * Every webhook type a container sends: its lifecycle, a queued message, and every
 * {@link webhookEventKindSchema} name (the happenings it also records as journal events).
 *
 * @example
 * ```ts
 * import { webhookTypeSchema } from "@app-building/types";
 * // The webhooks a receiver acts on, from its settings: a misspelt type fails at startup.
 * const wanted = (process.env.WEBHOOK_TYPES ?? "message.done,container.stopped")
 *   .split(",")
 *   .map((type) => webhookTypeSchema.parse(type.trim()));
 * ```
 */
export const webhookTypeSchema = z.enum([
  "container.started",
  "container.idle",
  "container.stopping",
  "container.stopped",
  "message.queued",
  ...webhookEventKindSchema.options,
]);
/**
 * A webhook type.
 *
 * @example
 * ```ts
 * import { webhookPayloadSchema, type WebhookType } from "@app-building/types";
 * const handlers: Partial<Record<WebhookType, (data: Record<string, unknown>) => void>> = {
 *   "message.done": (data) => console.log("done:", data.messageId),
 *   "container.stopped": () => console.log("the container stopped"),
 * };
 * function receive(rawBody: string): void {
 *   const payload = webhookPayloadSchema.parse(JSON.parse(rawBody));
 *   handlers[payload.type]?.(payload.data);
 * }
 * ```
 */
export type WebhookType = z.infer<typeof webhookTypeSchema>;

/**
 * A webhook body: `{type, containerName, timestamp, data}`, signed per Standard Webhooks.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { webhookPayloadSchema } from "@app-building/types";
 * createServer(async (request, response) => {
 *   let rawBody = "";
 *   for await (const chunk of request) rawBody += String(chunk);
 *   const payload = webhookPayloadSchema.parse(JSON.parse(rawBody)); // verify the signature first
 *   console.log(payload.containerName, payload.type);
 *   response.end();
 * }).listen(8080, "127.0.0.1");
 * ```
 */
export const webhookPayloadSchema = z.object({
  type: webhookTypeSchema,
  containerName: z.string(),
  timestamp: z.string(),
  data: z.record(z.string(), z.unknown()),
});
/**
 * A webhook body.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { webhookPayloadSchema, type WebhookPayload } from "@app-building/types";
 * function summary(payload: WebhookPayload): string {
 *   return `${payload.timestamp} ${payload.containerName}: ${payload.type}`;
 * }
 * createServer(async (request, response) => {
 *   let rawBody = "";
 *   for await (const chunk of request) rawBody += String(chunk);
 *   console.log(summary(webhookPayloadSchema.parse(JSON.parse(rawBody))));
 *   response.end();
 * }).listen(8080, "127.0.0.1");
 * ```
 */
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;
