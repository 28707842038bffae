import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReleaseStore } from "../../src/deploy/releases/store.js";
import type { DeployService } from "../../src/deploy/service.js";
import { removeTestDataDirs } from "../service-harness.js";
import type { TestSupervisord } from "../supervisord.js";
import { HOSTILE_EDITS, webSource, type WebWorkspace } from "./web-fixture.js";
import { startWebPlatform, type WebPlatform } from "./web-platform.js";
const START_TIMEOUT_MS = 3_000;
const asSelf = { requestedBy: null, sessionId: null };

let platform: WebPlatform;
let ws: WebWorkspace;
let sv: TestSupervisord;
let store: ReleaseStore;
let service: DeployService;
let good: string;
const served = () => platform.served();
const servesEventually = (text: string) => platform.servesEventually(text);

async function deploy() {
  const { deploy: row } = service.start({ scope: "platform", ...asSelf });
  return service.waitForDone(row.id, 120_000);
}

beforeAll(async () => {
  platform = await startWebPlatform({ startTimeoutMs: START_TIMEOUT_MS, settleMs: 3_500 });
  ({ ws, sv, store } = platform);
  good = platform.initial;
  service = platform.createService();
  expect(await servesEventually("v1")).toBe("v1");
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  removeTestDataDirs();
});

describe("a deploy through releases", () => {
  it("promotes a good edit: ok, the new release is live, known-good, and served", async () => {
    ws.setSource(webSource("v2"));
    const result = await deploy();
    expect(result).toMatchObject({ status: "ok", phase: "done", errorSummary: null });
    expect(result.release).toBe(result.builtRelease);
    expect(result.release).not.toBe(good);
    expect(store.currentId()).toBe(result.release);
    expect(store.stateOf(result.release!)).toBe("good");
    expect(await served()).toBe("v2");
    good = result.release!;
  });

  it("promotes unchanged sources again without a build: no new release, the service restarted on it and gated", async () => {
    const before = await sv.client.getProcessInfo("web");
    const releases = store.list().map((release) => release.id);
    const result = await deploy();
    expect(result).toMatchObject({ status: "ok", phase: "done", release: good, builtRelease: good, exitCode: null });
    expect(readFileSync(result.logPath, "utf8")).toContain("no build needed");
    expect(store.list().map((release) => release.id)).toEqual(releases);
    expect(store.stateOf(good)).toBe("good");
    expect((await sv.client.getProcessInfo("web")).pid).not.toBe(before.pid);
    expect(await served()).toBe("v2");
  });

  it("a revert to the sources of a kept good release switches back to that release, with no build", async () => {
    ws.setSource(webSource("v5"));
    const v5 = await deploy();
    expect(v5).toMatchObject({ status: "ok" });
    expect(v5.release).not.toBe(good);
    expect(await served()).toBe("v5");
    ws.setSource(webSource("v2"));
    const reverted = await deploy();
    expect(reverted).toMatchObject({ status: "ok", release: good, builtRelease: good });
    expect(store.currentId()).toBe(good);
    expect(await served()).toBe("v2");
  });

  for (const [edit, source] of Object.entries(HOSTILE_EDITS)) {
    it(`answers an edit that ${edit.startsWith("a ") ? `has ${edit}` : edit} truthfully and keeps serving the last good build`, async () => {
      ws.setSource(source);
      const result = await deploy();
      expect(result.status).not.toBe("ok");
      if (edit === "a type error") {
        expect(result).toMatchObject({ status: "error", phase: "build", release: good });
        expect(result.errorSummary).toMatch(/TS2322/);
      } else {
        expect(result).toMatchObject({ status: "rolled_back", phase: "health", release: good });
        expect(result.errorSummary).toMatch(/^web/);
        expect(result.errorSummary).toContain(`rolled back: release ${good} is live again`);
      }
      expect(store.currentId()).toBe(good);
      expect(store.stateOf(result.builtRelease!)).toBe("failed");
      expect(await servesEventually("v2")).toBe("v2");
      // What a crash, an autorestart or a reboot does: still the good build.
      await sv.client.restart("web");
      expect(await servesEventually("v2")).toBe("v2");
    }, 60_000);
  }

  it("names the failure in words: the exit code, or no answer within the start timeout, quoting only this start's output", async () => {
    ws.setSource(HOSTILE_EDITS["throws at start"]);
    const crashed = await deploy();
    expect(crashed.errorSummary).toMatch(/^web exited/);
    expect(crashed.errorSummary).toContain("boom at start");
    expect(crashed.errorSummary).not.toContain("boom later");
    ws.setSource(HOSTILE_EDITS["hangs without listening"]);
    const hung = await deploy();
    expect(hung.errorSummary).toMatch(
      new RegExp(`no answer on :\\d+/health from release \\S+ within ${START_TIMEOUT_MS / 1000} s`),
    );
    expect(hung.errorSummary).not.toContain("boom at start");
  }, 60_000);

  it("builds what the workspace held when the build started: an edit during the build goes into the next deploy, and a revert is served", async () => {
    ws.setSource(webSource("v3"));
    ws.setBuildDelay(1_500);
    const { deploy: row } = service.start({ scope: "platform", ...asSelf });
    // Once the snapshot is taken, edit the workspace while turbo builds.
    for (let i = 0; i < 200 && !readFileSync(row.logPath, "utf8").includes("snapshot of"); i += 1) await sleep(25);
    ws.setSource(webSource("v4"));
    const first = await service.waitForDone(row.id, 60_000);
    expect(first.status).toBe("ok");
    expect(await served()).toBe("v3");
    ws.setBuildDelay(0);
    expect((await deploy()).status).toBe("ok");
    expect(await served()).toBe("v4");
    ws.setSource(webSource("v3"));
    expect((await deploy()).status).toBe("ok");
    expect(await served()).toBe("v3");
  }, 120_000);

  it("keeps the live release and the newest good ones, pruning failed and older releases", () => {
    const releases = store.list();
    expect(releases.filter((release) => release.state === "failed")).toEqual([]);
    expect(releases.filter((release) => release.state === "good" && !release.live).length).toBeLessThanOrEqual(2);
    expect(releases.find((release) => release.live)?.sizeBytes).toBeGreaterThan(0);
  });
});
