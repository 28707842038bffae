import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort, waitForHttp } from "./net.js";

describe("freePort", () => {
  it("gives a loopback port that can be bound at once", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

describe("waitForHttp", () => {
  it("waits for a server that starts listening late, and answers its first 2xx", async () => {
    const port = await freePort();
    let attempts = 0;
    const server = createHttpServer((req, res) => {
      attempts += 1;
      res.writeHead(attempts < 3 ? 503 : 200).end("up");
    });
    const listening = new Promise<void>((resolve) => setTimeout(() => server.listen(port, "127.0.0.1", resolve), 200));
    try {
      const response = await waitForHttp(`http://127.0.0.1:${port}/health`, { timeoutMs: 10_000, intervalMs: 20 });
      expect(await response.text()).toBe("up");
      expect(attempts).toBe(3);
    } finally {
      await listening;
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("stops at once, saying why, when giveUp gives a reason", async () => {
    const port = await freePort();
    let checks = 0;
    const wait = waitForHttp(`http://127.0.0.1:${port}/health`, {
      timeoutMs: 60_000,
      intervalMs: 10,
      giveUp: () => (++checks === 2 ? "the server exited" : null),
    });
    await expect(wait).rejects.toThrow(/stopped waiting for .*: the server exited \(last attempt: .*ECONNREFUSED/);
    expect(checks).toBe(2);
  });

  it("says what the last attempt got when the time is up", async () => {
    const server = createHttpServer((req, res) => res.writeHead(500).end());
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    try {
      await expect(waitForHttp(`http://127.0.0.1:${port}/health`, { timeoutMs: 100, intervalMs: 10 })).rejects.toThrow(
        /did not answer 2xx within 0.1 s \(last attempt: HTTP 500\)/,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
