import { createHmac } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../journal/database.js";
import { createRedactor } from "../redact.js";
import { WebhookDispatcher } from "./dispatcher.js";
import { Outbox } from "./outbox.js";

/** A receiver that answers each request with the next status of `statuses` (then 204). */
async function receiver(statuses: number[]) {
  const bodies: { body: string; headers: Record<string, string> }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      bodies.push({ body, headers: req.headers as Record<string, string> });
      res.writeHead(statuses.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, bodies, close: () => server.close() };
}

function setup(url: string, secret: string | undefined, maxAttempts: number, bearerToken?: string) {
  const db = openDatabase(mkdtempSync(join(tmpdir(), "outbox-")));
  const outbox = new Outbox(db, createRedactor(["redact-me-please"]), "box");
  const logs: string[] = [];
  const dispatcher = new WebhookDispatcher(outbox, {
    url,
    secret,
    bearerToken,
    maxAttempts,
    retryBaseMs: 5,
    retryMaxMs: 20,
    timeoutMs: 2000,
    log: (line) => logs.push(line),
  });
  return { outbox, dispatcher, logs };
}

describe("the webhook dispatcher", () => {
  it("retries 5xx answers with backoff and delivers in order, signed", async () => {
    const hooks = await receiver([503, 500]);
    const secret = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;
    const { outbox, dispatcher } = setup(hooks.url, secret, 5);
    outbox.add("message.queued", { n: 1, leak: "redact-me-please" });
    outbox.add("message.started", { n: 2 });
    dispatcher.start();
    expect(await dispatcher.drain(5000)).toBe(0);
    dispatcher.stop();
    hooks.close();
    const delivered = hooks.bodies.map((b) => JSON.parse(b.body) as { type: string; data: { n: number } });
    expect(delivered.map((d) => d.data.n)).toEqual([1, 1, 1, 2]);
    const verifier = new Webhook(secret);
    for (const { body, headers } of hooks.bodies) expect(() => verifier.verify(body, headers)).not.toThrow();
    expect(hooks.bodies[0]?.body).toContain('"leak":"[REDACTED]"');
    expect(hooks.bodies[0]?.headers["webhook-id"]).toBe(hooks.bodies[2]?.headers["webhook-id"]);
  });

  it("gives up after the bound, logs it, and moves on to the next webhook", async () => {
    const hooks = await receiver([500, 500, 500]);
    const { outbox, dispatcher, logs } = setup(hooks.url, undefined, 3);
    outbox.add("git.pushed", { n: 1 });
    outbox.add("git.push_failed", { n: 2 });
    dispatcher.start();
    expect(await dispatcher.drain(5000)).toBe(0);
    dispatcher.stop();
    hooks.close();
    expect(hooks.bodies).toHaveLength(4);
    expect(logs.some((line) => /git\.pushed .* given up after 3 attempt\(s\): receiver answered 500/.test(line))).toBe(
      true,
    );
  });

  it("does not retry a 4xx answer other than 408 and 429", async () => {
    const hooks = await receiver([400]);
    const { outbox, dispatcher, logs } = setup(hooks.url, undefined, 10);
    outbox.add("container.idle", {});
    dispatcher.start();
    expect(await dispatcher.drain(5000)).toBe(0);
    dispatcher.stop();
    hooks.close();
    expect(hooks.bodies).toHaveLength(1);
    expect(logs[0]).toMatch(/given up after 1 attempt/);
  });

  it("never sends the signing secret, and sends a bearer token only when one is set", async () => {
    const hooks = await receiver([]);
    const secret = `whsec_${Buffer.from("another key of thirty-two bytes!").toString("base64")}`;
    const plain = setup(hooks.url, secret, 3);
    plain.outbox.add("container.idle", {});
    plain.dispatcher.start();
    expect(await plain.dispatcher.drain(5000)).toBe(0);
    plain.dispatcher.stop();
    const bearer = setup(hooks.url, secret, 3, "receiver-token-123");
    bearer.outbox.add("container.idle", {});
    bearer.dispatcher.start();
    expect(await bearer.dispatcher.drain(5000)).toBe(0);
    bearer.dispatcher.stop();
    hooks.close();
    expect(hooks.bodies).toHaveLength(2);
    for (const { headers } of hooks.bodies)
      expect(JSON.stringify(headers)).not.toContain(secret.slice("whsec_".length));
    expect(hooks.bodies[0]?.headers.authorization).toBeUndefined();
    expect(hooks.bodies[1]?.headers.authorization).toBe("Bearer receiver-token-123");
  });

  // The verifier of docs/container-api.md, as a receiver would copy it.
  function verifierFor(secret: string): Webhook {
    try {
      return new Webhook(secret); // whsec_<base64>, or base64 without the prefix
    } catch {
      return new Webhook(secret, { format: "raw" }); // any other string: its UTF-8 bytes
    }
  }

  /** Each secret form, and the HMAC key Standard Webhooks says it stands for. */
  const secrets: Record<string, { secret: string; key: Buffer }> = {
    "a whsec_ secret": {
      secret: `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`,
      key: Buffer.from("0123456789abcdef0123456789abcdef"),
    },
    "a base64 secret without the prefix": {
      secret: Buffer.from("fedcba9876543210fedcba9876543210").toString("base64"),
      key: Buffer.from("fedcba9876543210fedcba9876543210"),
    },
    "a raw string secret": {
      secret: "correct horse battery staple!",
      key: Buffer.from("correct horse battery staple!", "utf8"),
    },
  };

  /** `v1,` + base64(HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")), per the spec. */
  function expectedSignature(key: Buffer, headers: Record<string, string>, body: string): string {
    const signed = `${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`;
    return `v1,${createHmac("sha256", key).update(signed).digest("base64")}`;
  }

  for (const [what, { secret, key }] of Object.entries(secrets)) {
    it(`signs with ${what} so the documented verifier accepts the real delivery`, async () => {
      const hooks = await receiver([]);
      const { outbox, dispatcher } = setup(hooks.url, secret, 3);
      outbox.add("message.done", { n: 1 });
      dispatcher.start();
      expect(await dispatcher.drain(5000)).toBe(0);
      dispatcher.stop();
      hooks.close();
      expect(hooks.bodies).toHaveLength(1);
      const { body, headers } = hooks.bodies[0] ?? { body: "", headers: {} };
      expect(headers["webhook-signature"]).toBe(expectedSignature(key, headers, body));
      expect(headers["webhook-signature"]).not.toBe(expectedSignature(Buffer.from("a wrong key"), headers, body));
      expect(() => verifierFor(secret).verify(body, headers)).not.toThrow();
      expect(() => verifierFor(`${secret}x`).verify(body, headers)).toThrow();
    });
  }
});
