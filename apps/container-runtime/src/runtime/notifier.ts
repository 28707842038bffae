import type { EventKind, WebhookEventKind, WebhookType } from "@app-building/types";
import type { Journal } from "../journal/journal.js";
import type { Outbox } from "../webhooks/outbox.js";

/**
 * Records a runtime happening once, in both places a client can see it: the event journal
 * and (when the type is a webhook type) the webhook outbox.
 */
export class Notifier {
  readonly #journal: Journal;
  readonly #outbox: Outbox | null;

  constructor(journal: Journal, outbox: Outbox | null) {
    this.#journal = journal;
    this.#outbox = outbox;
  }

  /** An event in the journal only. */
  event(kind: EventKind, messageId: string | null, data: Record<string, unknown>): void {
    this.#journal.event(kind, messageId, data);
  }

  /** A webhook only. */
  webhook(type: WebhookType, data: Record<string, unknown>): void {
    this.#outbox?.add(type, data);
  }

  /** Both, under the one name: an event of `kind` and a webhook of the same type. */
  both(kind: WebhookEventKind, messageId: string | null, data: Record<string, unknown>): void {
    this.#journal.event(kind, messageId, data);
    this.#journal.flush();
    this.#outbox?.add(kind, data);
  }

  /** A runtime log line. */
  log(line: string): void {
    this.#journal.log("runtime", line);
  }
}
