import { z } from "zod";

/**
 * Every webhook type a container sends.
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
  "message.started",
  "message.done",
  "message.error",
  "message.interrupted",
  "task.queued",
  "task.started",
  "task.done",
  "task.failed",
  "git.pushed",
  "git.push_failed",
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
