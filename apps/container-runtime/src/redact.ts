/** What replaces a secret value wherever the runtime records or sends text. */
export const REDACTED = "[REDACTED]";

/** Secrets shorter than this are not redacted: replacing "1" or "ab" everywhere would garble text. */
export const MIN_SECRET_LENGTH = 4;

/** Replaces every secret value in a string, and in JSON values, with `[REDACTED]`. */
export interface Redactor {
  /** The string with every secret value replaced. */
  text(input: string): string;
  /** A deep copy of a JSON value with secrets replaced in every string (keys included). */
  json<T>(value: T): T;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Builds a redactor for the given secret values. Longer secrets are matched first, so a
 * secret that contains another is replaced whole.
 */
export function createRedactor(secrets: Iterable<string>): Redactor {
  // a secret with quotes, backslashes or control characters also appears JSON-escaped in journaled JSON
  const withEscaped = [...secrets].flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]);
  const values = [...new Set(withEscaped.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  if (values.length === 0) {
    return { text: (input) => input, json: (value) => value };
  }
  const pattern = new RegExp(values.map(escapeRegExp).join("|"), "g");
  const text = (input: string): string => {
    pattern.lastIndex = 0;
    return pattern.test(input) ? input.replace(pattern, REDACTED) : input;
  };
  const json = <T>(value: T): T => {
    if (typeof value === "string") return text(value) as T;
    if (Array.isArray(value)) return value.map((item: unknown) => json(item)) as T;
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[text(key)] = json(item);
      return out as T;
    }
    return value;
  };
  return { text, json };
}

/**
 * The secret values to redact: the named env vars' values, plus the values of any var
 * whose name looks like a credential (`*_TOKEN`, `*_SECRET`, `*_KEY`, `*PASSWORD*`).
 */
export function secretValuesFromEnv(env: Record<string, string | undefined>, names: readonly string[] = []): string[] {
  const looksSecret = /(_TOKEN|_SECRET|_KEY|PASSWORD|_PAT)$|^(TOKEN|SECRET|PASSWORD)$/i;
  const picked = Object.entries(env)
    .filter(([name]) => names.includes(name) || looksSecret.test(name))
    .map(([, value]) => value)
    .filter((value): value is string => typeof value === "string");
  return picked;
}
