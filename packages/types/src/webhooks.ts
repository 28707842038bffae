import { z } from "zod";
import { webhookEventKindSchema } from "./container.js";

/**
 * Every webhook type a container sends: its lifecycle, a queued message, and every
 * {@link webhookEventKindSchema} name (the happenings it also records as journal events).
 *
 * @example
 * ```ts
 * webhookTypeSchema.parse("message.done");
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
 * const type: WebhookType = "message.done";
 * ```
 */
export type WebhookType = z.infer<typeof webhookTypeSchema>;

/**
 * A webhook body: `{type, containerName, timestamp, data}`, signed per Standard Webhooks.
 *
 * @example
 * ```ts
 * const payload = webhookPayloadSchema.parse(JSON.parse(rawBody));
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
 * const payload: WebhookPayload = webhookPayloadSchema.parse(JSON.parse(rawBody));
 * ```
 */
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;
