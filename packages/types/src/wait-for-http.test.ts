import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { HttpWaitError, waitForHttp } from "./wait-for-http.js";

/** A port nothing listens on: one the system gave a listener that is closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function listen(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("waitForHttp", () => {
  it("waits for a server that starts listening late, and answers its first 2xx", async () => {
    const port = await closedPort();
    let attempts = 0;
    const server = createServer((req, res) => {
      attempts += 1;
      res.writeHead(attempts < 3 ? 503 : 200).end("up");
    });
    const listening = new Promise<string>((resolve) => setTimeout(() => resolve(listen(server, port)), 200));
    try {
      const response = await waitForHttp(`http://127.0.0.1:${port}/health`, { timeoutMs: 10_000, intervalMs: 20 });
      expect(await response.text()).toBe("up");
      expect(attempts).toBe(3);
    } finally {
      await listening;
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("sends the headers it is given with every attempt", async () => {
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      const machine = req.headers["fly-force-instance-id"] as string | undefined;
      seen.push(machine);
      res.writeHead(seen.length < 2 ? 503 : 200).end();
    });
    const url = await listen(server);
    try {
      await waitForHttp(`${url}/health`, {
        timeoutMs: 10_000,
        intervalMs: 5,
        maxIntervalMs: 20,
        headers: { "fly-force-instance-id": "m1" },
      });
      expect(seen).toEqual(["m1", "m1"]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("keeps waiting while accept refuses a 2xx, and says what the last refusal was", async () => {
    let attempts = 0;
    const server = createServer((req, res) => {
      attempts += 1;
      res.writeHead(200).end(JSON.stringify({ release: attempts < 3 ? "old" : "new" }));
    });
    const url = await listen(server);
    const fromRelease = (wanted: string) => async (response: Response) => {
      const { release } = (await response.json()) as { release: string };
      return release === wanted ? null : `answered from release ${release}, not ${wanted}`;
    };
    try {
      await waitForHttp(`${url}/health`, { timeoutMs: 10_000, intervalMs: 5, accept: fromRelease("new") });
      expect(attempts).toBe(3);
      const never = await waitForHttp(`${url}/health`, {
        timeoutMs: 300,
        intervalMs: 20,
        accept: fromRelease("newer"),
      }).catch((error: unknown) => error);
      expect(never).toBeInstanceOf(HttpWaitError);
      expect((never as HttpWaitError).lastAttempt).toBe("answered from release new, not newer");
      expect((never as HttpWaitError).timedOut).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("stops at once, saying why, when giveUp gives a reason", async () => {
    const port = await closedPort();
    let checks = 0;
    const wait = waitForHttp(`http://127.0.0.1:${port}/health`, {
      timeoutMs: 60_000,
      intervalMs: 10,
      giveUp: () => (++checks === 2 ? "the server exited" : null),
    });
    await expect(wait).rejects.toThrow(/stopped waiting for .*: the server exited \(last attempt: .*ECONNREFUSED/);
    await expect(wait).rejects.toMatchObject({ reason: "the server exited", timedOut: false });
    expect(checks).toBe(2);
  });

  it("says what the last attempt got when the time is up", async () => {
    const server = createServer((req, res) => res.writeHead(500).end());
    const url = await listen(server);
    try {
      const wait = waitForHttp(`${url}/health`, { timeoutMs: 100, intervalMs: 10 });
      await expect(wait).rejects.toThrow(/did not answer 2xx within 0.1 s \(last attempt: HTTP 500\)/);
      await expect(wait).rejects.toBeInstanceOf(HttpWaitError);
      await expect(wait).rejects.toMatchObject({ url: `${url}/health`, lastAttempt: "HTTP 500", timedOut: true });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
