import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { gateService, type GateResult, type GateTarget, type ProcessState } from "./gate.js";

const RELEASE = "20261202T000000000-abcdef";
const CHECK = { healthPath: "/health", smokePaths: [], startTimeoutMs: 2_000, settleMs: 600 };

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/** A service on loopback that answers its health URL from RELEASE until `close()`. */
async function healthyService(release = RELEASE): Promise<{ baseUrl: string; close: () => void }> {
  const live = createServer((_request, response) => {
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ ok: true, release }));
  });
  server = live;
  await new Promise<void>((resolve) => live.listen(0, "127.0.0.1", resolve));
  const { port } = live.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () => {
      live.closeAllConnections();
      live.close();
    },
  };
}

/** Gates the console at `baseUrl` for RELEASE, polling every 20 ms; `target` overrides the rest. */
function gate(baseUrl: string, target: Partial<GateTarget> = {}): Promise<GateResult> {
  return gateService({
    program: "console",
    baseUrl,
    check: CHECK,
    release: RELEASE,
    processState: () => Promise.resolve(running),
    startedAt: Date.now(),
    pollMs: 20,
    ...target,
  });
}

const running: ProcessState = { statename: "RUNNING", pid: 4242, exitstatus: 0, start: Math.floor(Date.now() / 1000) };
const exited: ProcessState = { ...running, statename: "EXITED", exitstatus: 4 };

describe("gateService's settle window", () => {
  it("reports an exit that supervisord sees only after the port closed as an exit, with its code", async () => {
    const service = await healthyService();
    // supervisord's view, scripted: RUNNING until two looks after the port closed, as when
    // it reaps the child a moment after the process stopped listening.
    let closed = false;
    let looksSinceClose = 0;
    const processState = (): Promise<ProcessState> => {
      if (!closed) return Promise.resolve(running);
      looksSinceClose += 1;
      return Promise.resolve(looksSinceClose > 2 ? exited : running);
    };
    setTimeout(() => {
      closed = true;
      service.close();
    }, 200);
    const result = await gate(service.baseUrl, { processState });
    expect(result).toEqual({
      ok: false,
      reason: "console stopped within its 0.6 s settle window: console exited with code 4",
      exited: true,
    });
  });

  it("says the service stopped answering when the process is still running", async () => {
    const service = await healthyService();
    let closed = false;
    const looksSinceClose: number[] = [];
    const processState = (): Promise<ProcessState> => {
      if (closed) looksSinceClose.push(Date.now());
      return Promise.resolve(running);
    };
    setTimeout(() => {
      closed = true;
      service.close();
    }, 200);
    const result = await gate(service.baseUrl, { processState });
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ exited: false });
    expect(!result.ok && result.reason).toMatch(
      /^console stopped answering on :\d+\/health within its 0\.6 s settle window \(connection: ECONNREFUSED\)$/,
    );
    // It kept looking at the process for the second it gives supervisord, not once only.
    expect(looksSinceClose.length).toBeGreaterThan(2);
    expect(looksSinceClose.at(-1)! - looksSinceClose[0]!).toBeGreaterThanOrEqual(900);
  });

  it("passes a service that stays up and healthy for the whole window", async () => {
    const service = await healthyService();
    const result = await gate(service.baseUrl);
    expect(result).toMatchObject({ ok: true, pid: 4242 });
  });
});

describe("gateService's wait for the new release", () => {
  it("fails a service that answers only from another release, saying which, at the start timeout", async () => {
    const service = await healthyService("20261201T000000000-old000");
    const result = await gate(service.baseUrl, { check: { ...CHECK, startTimeoutMs: 300 } });
    expect(result).toEqual({
      ok: false,
      reason: `console: no answer on :${new URL(service.baseUrl).port}/health from release ${RELEASE} within 0.3 s (last: answered from release 20261201T000000000-old000, not ${RELEASE})`,
      exited: false,
    });
  });

  it("stops waiting as soon as this start's process exited, and says how", async () => {
    const service = await healthyService("20261201T000000000-old000");
    const startedAt = Date.now();
    // This start's exit: an exit of a process started before the restart would not count.
    const exitedNow = { ...exited, start: Math.floor(startedAt / 1000) };
    let looks = 0;
    const processState = (): Promise<ProcessState> => {
      looks += 1;
      return Promise.resolve(looks < 3 ? running : exitedNow);
    };
    const result = await gate(service.baseUrl, { processState, startedAt });
    expect(result).toEqual({
      ok: false,
      reason: `console exited with code 4 before it answered on :${new URL(service.baseUrl).port}/health`,
      exited: true,
    });
    expect(looks).toBe(3);
  });

  it("stops waiting when the deploy is stopped", async () => {
    const service = await healthyService("20261201T000000000-old000");
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await gate(service.baseUrl, { signal: controller.signal });
    expect(result).toEqual({ ok: false, reason: "the deploy was stopped", exited: false });
  });
});
