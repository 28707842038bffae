import { once } from "node:events";
import { performance, type EventLoopUtilization } from "node:perf_hooks";
import type { Deploy } from "@app-building/types";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  BuildInProgressError,
  DeployFinishedError,
  DeployNotFoundError,
  DeployWaitTimeoutError,
} from "../src/errors.js";
import type { DeployService } from "../src/deploy/service.js";
import { createFixtureWorkspace, processAlive, type FixtureWorkspace } from "./fixture-workspace.js";
import { createTestService, removeTestDataDirs } from "./service-harness.js";

let fx: FixtureWorkspace;
let service: DeployService;

const asSelf = { requestedBy: null, sessionId: null };

/**
 * A scripted clock for the settle window: timers, `performance.now()` and the event
 * loop's idle time all move only when the test says time passed, with the loop idle (as
 * a server waiting for requests is). Real timers and clocks come back on `uninstall`.
 */
function installIdleLoopClock(): { idleFor(ms: number): void; uninstall(): void } {
  const base = performance.now();
  let elapsed = 0;
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  const now = vi.spyOn(performance, "now").mockImplementation(() => base + elapsed);
  const utilization = vi
    .spyOn(performance, "eventLoopUtilization")
    .mockImplementation((since?: EventLoopUtilization) => ({
      idle: elapsed - (since?.idle ?? 0),
      active: 0,
      utilization: 0,
    }));
  let installed = true;
  return {
    idleFor(ms) {
      // A millisecond at a time, so each timer sees the clock at the moment it falls due.
      for (let i = 0; i < ms; i += 1) {
        elapsed += 1;
        vi.advanceTimersByTime(1);
      }
    },
    uninstall() {
      if (!installed) return;
      installed = false;
      now.mockRestore();
      utilization.mockRestore();
      vi.useRealTimers();
    },
  };
}

/** A finished build's timestamps: created ≤ build start ≤ build end ≤ deploy end. */
function expectPhasesInOrder(deploy: Deploy): void {
  const [created, started, buildEnded, ended] = [
    deploy.createdAt,
    deploy.startedAt,
    deploy.buildEndedAt,
    deploy.endedAt,
  ].map((at) => (at === null ? Number.NaN : Date.parse(at)));
  expect(started).toBeGreaterThanOrEqual(created!);
  expect(buildEnded).toBeGreaterThanOrEqual(started!);
  expect(ended).toBeGreaterThanOrEqual(buildEnded!);
}

beforeAll(async () => {
  fx = createFixtureWorkspace();
  service = createTestService(fx).service;
  // Warm turbo's cache so later builds only rebuild what a test changes.
  const { deploy } = service.start({ scope: "platform", ...asSelf });
  expect((await service.waitForDone(deploy.id, 60_000)).status).toBe("ok");
});
afterAll(async () => {
  await service.shutdown();
  fx.remove();
  removeTestDataDirs();
});

describe("DeployService coalescing", () => {
  it("lets 20 near-simultaneous requests share one build", async () => {
    fx.setSlowDelay(0);
    const runsBefore = fx.slowRuns().length;
    const results = Array.from({ length: 20 }, (_, i) =>
      service.start({ scope: "platform", requestedBy: null, sessionId: `s${i}` }),
    );
    const ids = new Set(results.map((r) => r.deploy.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => !r.joined)).toHaveLength(1);
    const done = await service.waitForDone(results[0]!.deploy.id, 60_000);
    expect(done.status).toBe("ok");
    expectPhasesInOrder(done);
    expect(fx.slowRuns().length - runsBefore).toBe(1);
  });

  it("keeps a waiting deploy open while requests keep arriving, so a spread-out burst still shares one build", async () => {
    // Its own workspace, so the build it counts is its own; a scripted clock, so the
    // window is decided by the time it is told passed, not by how busy the machine is.
    const own = createFixtureWorkspace();
    const debounced = createTestService(own, { settleMs: 150, maxSettleMs: 10_000 }).service;
    const started: string[] = [];
    debounced.on("started", (deploy) => started.push(deploy.id));
    const clock = installIdleLoopClock();
    try {
      const ids = new Set<string>();
      for (let i = 0; i < 12; i += 1) {
        ids.add(debounced.start({ scope: "platform", ...asSelf }).deploy.id);
        clock.idleFor(100);
        expect(started, `after request ${i + 1}`).toEqual([]);
      }
      // 12 requests 100 ms apart: 1.2 s, far past the 150 ms window, which each request restarted.
      expect(ids.size).toBe(1);
      const [id] = [...ids];
      clock.idleFor(49);
      expect(started).toEqual([]);
      clock.idleFor(1);
      expect(started).toEqual([id]);
      clock.uninstall();
      expect((await debounced.waitForDone(id!, 60_000)).status).toBe("ok");
      expect(started).toEqual([id]);
      expect(own.slowRuns()).toHaveLength(1);
    } finally {
      clock.uninstall();
      await debounced.shutdown();
      own.remove();
    }
  });

  it("gives a request made during a running build a new build that started after it and sees its edits", async () => {
    fx.setSlowDelay(1500);
    const runsBefore = fx.slowRuns().length;
    const first = service.start({ scope: "platform", ...asSelf }).deploy;
    await once(service, "started");
    await expect.poll(() => fx.slowRuns().length, { timeout: 15_000 }).toBe(runsBefore + 1);

    fx.breakLib();
    const calledAt = Date.now();
    const second = service.start({ scope: "platform", ...asSelf });
    const third = service.start({ scope: "platform", ...asSelf });
    expect(second.deploy.id).not.toBe(first.id);
    expect(second.joined).toBe(false);
    expect(third.deploy.id).toBe(second.deploy.id);
    expect(third.joined).toBe(true);

    expect((await service.waitForDone(first.id, 60_000)).status).toBe("ok");
    const secondDone = await service.waitForDone(second.deploy.id, 60_000);
    fx.fixLib();
    expect(Date.parse(secondDone.startedAt!)).toBeGreaterThanOrEqual(calledAt);
    expectPhasesInOrder(secondDone);
    expect(secondDone.status).toBe("error");
    expect(secondDone.phase).toBe("build");
    expect(secondDone.errorSummary).toMatch(/error TS2322/);
  });

  it("widens a waiting deploy to the widest scope asked for", async () => {
    fx.setSlowDelay(1000);
    const running = service.start({ scope: "platform", ...asSelf }).deploy;
    await once(service, "started");
    const waiting = service.start({ scope: "platform", ...asSelf }).deploy;
    const widened = service.start({ scope: "all", ...asSelf });
    expect(widened.deploy.id).toBe(waiting.id);
    expect(widened.deploy.scope).toBe("all");
    expect(widened.deploy.filters).toEqual(["@fx/*"]);
    await service.waitForDone(running.id, 60_000);
    expect((await service.waitForDone(waiting.id, 60_000)).status).toBe("ok");
  });

  it("refuses a no-wait start while a build runs, naming the running deploy", async () => {
    fx.setSlowDelay(1000);
    const running = service.start({ scope: "platform", ...asSelf }).deploy;
    await once(service, "started");
    expect(() => service.startIfIdle({ scope: "platform", ...asSelf })).toThrow(BuildInProgressError);
    try {
      service.startIfIdle({ scope: "platform", ...asSelf });
    } catch (error) {
      expect((error as BuildInProgressError).details).toEqual({ deployId: running.id });
    }
    await service.waitForDone(running.id, 60_000);
  });
});

describe("DeployService cancel", () => {
  it("cancels a waiting deploy before it builds and a running one with its process tree", async () => {
    fx.setSlowDelay(30_000);
    const runsBefore = fx.slowRuns().length;
    const running = service.start({ scope: "platform", ...asSelf }).deploy;
    await expect.poll(() => fx.slowRuns().length, { timeout: 15_000 }).toBe(runsBefore + 1);
    const waiting = service.start({ scope: "platform", ...asSelf }).deploy;

    const cancelledWaiting = await service.cancel(waiting.id, "tester");
    expect(cancelledWaiting).toMatchObject({
      status: "cancelled",
      phase: "queue",
      startedAt: null,
      buildEndedAt: null,
    });

    const cancelled = await service.cancel(running.id, "tester");
    expect(cancelled).toMatchObject({ status: "cancelled", phase: "build", exitCode: null });
    const run = fx.slowRuns()[runsBefore]!;
    expect(processAlive(run.pid)).toBe(false);
    expect(processAlive(run.childPid)).toBe(false);
    await expect(service.cancel(running.id, "tester")).rejects.toBeInstanceOf(DeployFinishedError);
    expect(fx.slowRuns().length).toBe(runsBefore + 1);
  });
});

describe("DeployService.waitForDone", () => {
  it("rejects an unknown id and resolves at once for a finished deploy", async () => {
    await expect(service.waitForDone("nope", 1000)).rejects.toBeInstanceOf(DeployNotFoundError);
    const finished = service.list(1).items[0]!;
    await expect(service.waitForDone(finished.id, 1)).resolves.toMatchObject({ id: finished.id });
  });

  it("leaves no listener behind when it times out or its caller goes away", async () => {
    fx.setSlowDelay(1500);
    const deploy = service.start({ scope: "platform", ...asSelf }).deploy;
    await expect(service.waitForDone(deploy.id, 50)).rejects.toBeInstanceOf(DeployWaitTimeoutError);
    expect(service.listenerCount("done")).toBe(0);
    const abort = new AbortController();
    const waiting = service.waitForDone(deploy.id, 60_000, abort.signal);
    expect(service.listenerCount("done")).toBe(1);
    abort.abort();
    await expect(waiting).rejects.toThrow();
    expect(service.listenerCount("done")).toBe(0);
    await service.waitForDone(deploy.id, 60_000);
    expect(service.listenerCount("done")).toBe(0);
  });
});
