import { describe, expect, it } from "vitest";
import { createRedactor, looksSecret, REDACTED, secretValuesFromEnv } from "./redact.js";

describe("createRedactor", () => {
  const redactor = createRedactor(["sk-live-123456", "sk-live-123456-extended", "ab"]);

  it("replaces every occurrence of a secret in text", () => {
    expect(redactor.text("key=sk-live-123456 again sk-live-123456")).toBe(`key=${REDACTED} again ${REDACTED}`);
  });

  it("replaces the longer secret whole when one contains another", () => {
    expect(redactor.text("x sk-live-123456-extended y")).toBe(`x ${REDACTED} y`);
  });

  it("leaves very short values alone so ordinary text is not garbled", () => {
    expect(redactor.text("about")).toBe("about");
  });

  it("redacts nested JSON values and keys without touching numbers or the input", () => {
    const input = { a: ["sk-live-123456"], b: { "sk-live-123456": 1, n: 2, ok: true, none: null } };
    expect(redactor.json(input)).toEqual({ a: [REDACTED], b: { [REDACTED]: 1, n: 2, ok: true, none: null } });
    expect(input.a[0]).toBe("sk-live-123456");
  });

  it("also replaces a secret in its JSON-escaped form", () => {
    const quoted = createRedactor(['pa"ss\\word']);
    expect(quoted.text(JSON.stringify({ v: 'pa"ss\\word' }))).toBe(`{"v":"${REDACTED}"}`);
  });

  it("catches a secret written with JSON \\u escapes, escaped slashes, or escaped twice", () => {
    const slashed = createRedactor(["tok/Hq2Wd9/Xe4"]);
    const uEscaped = [..."tok/Hq2Wd9/Xe4"].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join("");
    expect(slashed.text(`{"a":"${uEscaped}"}`)).toBe(`{"a":"${REDACTED}"}`);
    expect(slashed.text(`{"a":"${uEscaped.toUpperCase().replaceAll("\\U", "\\u")}"}`)).toBe(`{"a":"${REDACTED}"}`);
    expect(slashed.text('{"a":"tok\\/Hq2Wd9\\/Xe4"}')).toBe(`{"a":"${REDACTED}"}`);
    expect(slashed.text(JSON.stringify(JSON.stringify({ v: "tok/Hq2Wd9/Xe4" })))).not.toContain("Hq2Wd9");
    expect(slashed.text("x tok\\u002fHq2Wd9/Xe4 y")).toBe(`x ${REDACTED} y`);
  });

  it("catches a secret broken across two lines and keeps the lines", () => {
    expect(redactor.text("first sk-live-\n123456 second")).toBe(`first ${REDACTED}\n${REDACTED} second`);
    expect(redactor.text('{"text":"sk-live-\\n123456"}')).toBe(`{"text":"${REDACTED}"}`);
  });

  it("passes everything through when there are no secrets", () => {
    const none = createRedactor([]);
    expect(none.text("anything")).toBe("anything");
  });
});

describe("a line redactor", () => {
  const redactor = createRedactor(["sk-live-123456"]);
  const run = (lines: string[]) => {
    const stream = redactor.lines();
    return [...lines.flatMap((line) => stream.push(line)), ...stream.end()];
  };

  it("lets ordinary lines out at once, redacted", () => {
    const stream = redactor.lines();
    expect(stream.push("hello")).toEqual(["hello"]);
    expect(stream.push("key sk-live-123456 here")).toEqual([`key ${REDACTED} here`]);
  });

  it("holds a line that may end with the start of a secret and redacts both parts", () => {
    const stream = redactor.lines();
    expect(stream.push("token: sk-live")).toEqual([]);
    expect(stream.push("-123456 and more")).toEqual([`token: ${REDACTED}`, `${REDACTED} and more`]);
  });

  it("flushes a held line at the end of the stream", () => {
    expect(run(["ends with sk-li"])).toEqual(["ends with sk-li"]);
    expect(run(["a sk-", "not it", "b"])).toEqual(["a sk-", "not it", "b"]);
  });

  it("never lets either part of a secret split at any point out", () => {
    const secret = "sk-live-123456";
    for (let at = 1; at < secret.length; at++) {
      const out = run(["before", `x ${secret.slice(0, at)}`, `${secret.slice(at)} y`, "after"]);
      expect(out).toEqual(["before", `x ${REDACTED}`, `${REDACTED} y`, "after"]);
    }
  });
});

describe("text without a backslash, which skips the patterns when it cannot hold a secret", () => {
  // A small seeded generator, so a failure names an input that can be replayed.
  function generator(seed: number): (limit: number) => number {
    let state = seed;
    return (limit) => {
      state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
      return state % limit;
    };
  }
  const secrets = ["abcab", "b\nca\r\nd", "\ncab1"];
  const alphabet = ["a", "b", "c", "d", "1", " ", "\n", "\r", "\r\n", "abcab", "ca"];

  it("redacts exactly as the full patterns do", () => {
    const redactor = createRedactor(secrets);
    const next = generator(7);
    for (let round = 0; round < 3_000; round++) {
      const input = Array.from({ length: next(12) }, () => alphabet[next(alphabet.length)]).join("");
      // A trailing backslash sends the text through the full patterns, and cannot take part
      // in a match here: no secret holds a backslash, and a lone one is no escape.
      const full = redactor.text(`${input}\\`).slice(0, -1);
      expect(redactor.text(input), JSON.stringify(input)).toBe(full);
    }
  });

  it("holds a line exactly when its end is the start of a secret", () => {
    const secret = "aXaYaZa-9";
    const redactor = createRedactor([secret]);
    const next = generator(11);
    const pieces = ["a", "X", "Y", "Z", "-", "9", " ", "aXa", "aXaYa"];
    for (let round = 0; round < 3_000; round++) {
      const line = Array.from({ length: 1 + next(6) }, () => pieces[next(pieces.length)]).join("");
      const stream = redactor.lines();
      stream.push(line);
      const redacted = redactor.text(line);
      const startsSecret = [...secret].some((_, at) => at > 0 && redacted.endsWith(secret.slice(0, at)));
      expect(stream.holding, JSON.stringify(line)).toBe(startsSecret);
    }
  });
});

describe("looksSecret", () => {
  it("matches the credential words anywhere in a name", () => {
    for (const name of [
      "PASSWORD_DB",
      "MY_TOKEN_2",
      "DB_SECRET_KEY",
      "CREDENTIAL",
      "KEY",
      "TOKEN",
      "SECRET",
      "PASSWORD",
      "AUTH",
      "GITHUBTOKEN",
      "AWS_ACCESS_KEY_ID",
      "GH_PAT",
      "NPM_AUTH_VALUE",
    ]) {
      expect({ name, secret: looksSecret(name) }).toEqual({ name, secret: true });
    }
  });

  it("leaves ordinary names alone", () => {
    for (const name of [
      "PATH",
      "PWD",
      "HOME",
      "GIT_AUTHOR_NAME",
      "KEYBOARD",
      "SECRET_ENV_NAMES",
      "AGENT_PROMPT_MODE",
    ]) {
      expect({ name, secret: looksSecret(name) }).toEqual({ name, secret: false });
    }
  });
});

describe("secretValuesFromEnv", () => {
  it("skips values too ordinary to redact", () => {
    expect(secretValuesFromEnv({ API_KEY: "true", SKIP_KEY: "no", DB_PASSWORD: "hunter22" })).toEqual(["hunter22"]);
  });

  it("takes named vars and credential-looking vars, nothing else", () => {
    const env = {
      GIT_TOKEN: "ghp_abc",
      WEBHOOK_SECRET: "whsec_x",
      ANTHROPIC_API_KEY: "sk",
      CUSTOM: "c",
      PATH: "/bin",
      HOME: "/root",
    };
    expect(secretValuesFromEnv(env, ["CUSTOM"]).sort()).toEqual(["c", "ghp_abc", "sk", "whsec_x"].sort());
  });
});
