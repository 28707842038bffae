import { Webhook } from "standardwebhooks";

/** How a `WEBHOOK_SECRET` becomes key bytes: base64-decoded, or its UTF-8 bytes as they are. */
export type SecretFormat = "base64" | "raw";

/** The prefix of a Standard Webhooks secret; what follows it must be base64. */
const PREFIX = "whsec_";

/** A `WEBHOOK_SECRET` starts with `whsec_` but what follows is not base64. */
class WebhookSecretError extends Error {
  override readonly name = "WebhookSecretError";
}

/**
 * Decides the key exactly the way a receiver using the `standardwebhooks` package does, so
 * the docs' verifier works for every secret the runtime accepts:
 * - `whsec_<base64>`: the base64 after the prefix (`new Webhook(secret)`);
 * - a string `new Webhook(secret)` decodes as base64 (no prefix): the decoded bytes;
 * - any other string: its UTF-8 bytes (`new Webhook(secret, { format: "raw" })`).
 * A `whsec_` secret whose rest is not base64 is refused rather than guessed at.
 */
export function secretFormat(secret: string): SecretFormat {
  try {
    new Webhook(secret);
    return "base64";
  } catch (error) {
    if (secret.startsWith(PREFIX)) {
      throw new WebhookSecretError(
        `a ${PREFIX} secret must be base64 after the prefix (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    return "raw";
  }
}

/** The Standard Webhooks signer for a secret, keyed as {@link secretFormat} decides. */
export function signerFor(secret: string): Webhook {
  return secretFormat(secret) === "base64" ? new Webhook(secret) : new Webhook(secret, { format: "raw" });
}
