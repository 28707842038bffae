import { describe, expect, it } from "vitest";
import { createRedactor, REDACTED, secretValuesFromEnv } from "./redact.js";

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

  it("passes everything through when there are no secrets", () => {
    const none = createRedactor([]);
    expect(none.text("anything")).toBe("anything");
  });
});

describe("secretValuesFromEnv", () => {
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
