/** What replaces a secret value wherever the runtime records or sends text. */
export const REDACTED = "[REDACTED]";

/** Secrets shorter than this are not redacted: replacing "1" or "ab" everywhere would garble text. */
export const MIN_SECRET_LENGTH = 4;

/**
 * Redacts a stream of lines (an agent's stdout or stderr) where a secret may be split
 * across two lines: a line whose end could be the start of a secret is held back until
 * the next line shows whether it is, so neither part of the secret is ever let out.
 */
export interface LineRedactor {
  /** Takes the next line (without its newline); returns the lines now safe to let out, redacted. */
  push(line: string): string[];
  /**
   * Lets the held line out (redacted), if any: at the end of the stream, or when no next
   * line came soon enough to complete a secret split across the two.
   */
  end(): string[];
  /** Whether a line is held, its end possibly the start of a secret the next line completes. */
  readonly holding: boolean;
}

/** Replaces every secret value in a string, and in JSON values, with `[REDACTED]`. */
export interface Redactor {
  /** The string with every secret value replaced, in any of the forms {@link createRedactor} lists. */
  text(input: string): string;
  /** A deep copy of a JSON value with secrets replaced in every string (keys included). */
  json<T>(value: T): T;
  /** A new redactor for one stream of lines. */
  lines(): LineRedactor;
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** JSON's short escapes, which a serializer may use for these characters. */
const SHORT_ESCAPES: Record<string, string> = {
  '"': '"',
  "/": "/",
  "\n": "n",
  "\r": "r",
  "\t": "t",
  "\b": "b",
  "\f": "f",
};

/** `\u` + four hex digits of the code unit, either case, behind one or more backslashes (nested JSON). */
function unicodeEscape(code: number): string {
  const hex = [...code.toString(16).padStart(4, "0")].map((d) => (/[a-f]/.test(d) ? `[${d}${d.toUpperCase()}]` : d));
  return `\\\\+u${hex.join("")}`;
}

/** Every way one character of a secret can appear in text: itself, or JSON-escaped (once or nested). */
function charPattern(char: string): string {
  if (char === "\\") return "\\\\+";
  const forms = [escapeRegExp(char)];
  const code = char.codePointAt(0) ?? 0;
  if (code <= 0xffff) forms.push(unicodeEscape(code));
  const short = SHORT_ESCAPES[char];
  if (short !== undefined) forms.push(`\\\\+${escapeRegExp(short)}`);
  return forms.length === 1 ? forms[0]! : `(?:${forms.join("|")})`;
}

/** A line break inside a secret: a real one (the agent wrapped its output) or a JSON-escaped one. */
const BREAK = "(?:\\r?\\n|(?:\\\\+r)?\\\\+n)?";

/** The pattern of one secret: its characters in any form, with a line break allowed between any two. */
function secretPattern(secret: string): string {
  return [...secret].map(charPattern).join(BREAK);
}

/** The pattern of every proper prefix of a secret (at least one character) at the end of a text. */
function prefixPattern(secret: string): string {
  const chars = [...secret].slice(0, -1).map(charPattern);
  let pattern = "";
  for (let index = chars.length - 1; index >= 0; index--) {
    pattern = index === 0 ? `${chars[index]}${pattern}` : `(?:${BREAK}${chars[index]}${pattern})?`;
  }
  return pattern;
}

/**
 * Builds a redactor for the given secret values. Each secret is caught plain, embedded in
 * other text, JSON-escaped (`\u0041`-style escapes, escaped slashes, quotes and
 * backslashes, nested escaping) and broken by a line break anywhere inside it. Longer
 * secrets are matched first, so a secret that contains another is replaced whole. A
 * secret broken across lines is replaced part by part, so the lines stay lines.
 */
export function createRedactor(secrets: Iterable<string>): Redactor {
  const values = [...new Set([...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  if (values.length === 0) {
    const lines = (): LineRedactor => ({ push: (line) => [line], end: () => [], holding: false });
    return { text: (input) => input, json: (value) => value, lines };
  }
  const pattern = new RegExp(values.map(secretPattern).join("|"), "g");
  const heldTail = new RegExp(`(?:${values.map(prefixPattern).join("|")})$`);
  // the longest text a secret's prefix can take: every character as a nested \u escape
  const tailWindow = values[0]!.length * 12;
  const replace = (match: string): string => (match.includes("\n") ? match.replace(/[^\r\n]+/g, REDACTED) : REDACTED);
  // Text without a backslash can hold a secret only in plain form, perhaps broken by line
  // breaks. So when no secret is in it with every line break taken out, and no line's end is
  // the start of one, neither pattern needs to run: V8 compiles patterns this large when
  // first used (tens of milliseconds, on every start) and the agent's plain lines skip them.
  const flat = (value: string): string => value.replace(/[\r\n]/g, "");
  const plain = values.map(flat);
  const breakFirst = values.some((value) => /^[\r\n]/.test(value));
  const mayHoldSecret = (input: string): boolean => {
    if (input.includes("\\")) return true;
    const flattened = flat(input);
    return plain.some((value) => flattened.includes(value));
  };
  const mayEndInPrefix = (input: string): boolean => {
    if (breakFirst || input.includes("\\")) return true;
    const flattened = flat(input);
    const last = flattened.at(-1);
    if (last === undefined) return false;
    return plain.some((value) => {
      for (let end = value.indexOf(last); end !== -1; end = value.indexOf(last, end + 1)) {
        if (flattened.endsWith(value.slice(0, end + 1))) return true;
      }
      return false;
    });
  };
  const text = (input: string): string => {
    if (!mayHoldSecret(input)) return input;
    pattern.lastIndex = 0;
    return pattern.test(input) ? input.replace(pattern, replace) : input;
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
  const lines = (): LineRedactor => {
    let held: string | null = null;
    return {
      push(line) {
        const out: string[] = [];
        let current: string;
        if (held !== null && !held.includes("\n") && !line.includes("\n")) {
          // the replacement keeps line breaks, so the one break left is where the lines meet
          const joined = text(`${held}\n${line}`);
          const at = joined.indexOf("\n");
          out.push(joined.slice(0, at));
          current = joined.slice(at + 1);
        } else {
          if (held !== null) out.push(held);
          current = text(line);
        }
        held = null;
        const tail = current.slice(-tailWindow);
        if (mayEndInPrefix(tail) && heldTail.test(tail)) held = current;
        else out.push(current);
        return out;
      },
      end() {
        const rest = held === null ? [] : [held];
        held = null;
        return rest;
      },
      get holding() {
        return held !== null;
      },
    };
  };
  return { text, json, lines };
}

/** Name parts that mark a credential wherever they appear in a variable's name (`DBPASSWORD`, `MY_TOKEN_2`). */
const SECRET_WORDS = /TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|PRIVATE|APIKEY|ACCESSKEY/i;
/** Short name parts that mark a credential only as a whole `_`-separated part (`DB_KEY`, `AUTH`, not `AUTHOR`). */
const SECRET_PARTS = new Set(["KEY", "KEYS", "AUTH", "PAT", "PASS", "SALT", "SIGNATURE", "COOKIE"]);
/** Variables that look like credentials by name but hold none. */
const NOT_SECRETS = new Set(["PWD", "OLDPWD", "SECRET_ENV_NAMES", "AGENT_PROMPT_MODE"]);
/** Values too ordinary to redact: replacing `true` everywhere would garble every JSON document. */
const ORDINARY = /^(true|false|yes|no|on|off|null|none|undefined)$/i;

/** Whether a variable's name says it holds a credential. */
export function looksSecret(name: string): boolean {
  if (NOT_SECRETS.has(name.toUpperCase())) return false;
  if (SECRET_WORDS.test(name)) return true;
  return name
    .toUpperCase()
    .split(/[_\-.]/)
    .some((part) => SECRET_PARTS.has(part));
}

/**
 * The secret values to redact: the named env vars' values, plus the values of any var
 * whose name looks like a credential ({@link looksSecret}): `TOKEN`, `SECRET`, `PASSWORD`,
 * `CREDENTIAL` anywhere in the name, `KEY`, `AUTH` or `PAT` as a part of it.
 */
export function secretValuesFromEnv(env: Record<string, string | undefined>, names: readonly string[] = []): string[] {
  return Object.entries(env)
    .filter(([name]) => names.includes(name) || looksSecret(name))
    .map(([, value]) => value)
    .filter((value): value is string => typeof value === "string" && !ORDINARY.test(value.trim()));
}
