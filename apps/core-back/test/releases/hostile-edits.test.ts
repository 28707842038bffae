import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "@app-building/testkit";
import { loadBuildScopes } from "@app-building/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Promotion } from "../../src/deploy/promotion.js";
import { ensureInitialRelease } from "../../src/deploy/releases/initial.js";
import { ReleaseStore } from "../../src/deploy/releases/store.js";
import { BuildRunner } from "../../src/deploy/runner.js";
import type { DeployService } from "../../src/deploy/service.js";
import { TURBO_BIN } from "../fixture-workspace.js";
import { createTestService, removeTestDataDirs } from "../service-harness.js";
import { startSupervisord, type TestSupervisord } from "../supervisord.js";
import { createWebWorkspace, HOSTILE_EDITS, webSource, type WebWorkspace } from "./web-fixture.js";

const START_TIMEOUT_MS = 3_000;
const asSelf = { requestedBy: null, sessionId: null };

let ws: WebWorkspace;
let sv: TestSupervisord;
let store: ReleaseStore;
let service: DeployService;
let url: string;
let good: string;

/** What the web service serves on `/` now, or the connection error. */
async function served(): Promise<string> {
  try {
    return await (await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) })).text();
  } catch (error) {
    return `down (${(error as { cause?: { code?: string } }).cause?.code ?? "?"})`;
  }
}

/** Waits until the service serves `text` (a restart by supervisord takes a moment), or gives up and says what it served. */
async function servesEventually(text: string): Promise<string> {
  let last = "";
  for (let i = 0; i < 100; i += 1) {
    last = await served();
    if (last === text) return last;
    await sleep(100);
  }
  return last;
}

async function deploy() {
  const { deploy: row } = service.start({ scope: "platform", ...asSelf });
  return service.waitForDone(row.id, 120_000);
}

beforeAll(async () => {
  ws = createWebWorkspace({ startTimeoutMs: START_TIMEOUT_MS, settleMs: 3_500 });
  const data = mkdtempSync(join(tmpdir(), "core-back-releases-"));
  store = new ReleaseStore({ dir: join(data, "releases"), keep: 2 });
  const cacheDir = join(data, "turbo-cache");
  const scopes = loadBuildScopes(ws.scopesFile);
  const initial = await ensureInitialRelease({
    store,
    workspaceDir: ws.dir,
    turboBin: TURBO_BIN,
    cacheDir,
    filters: scopes.scopes.platform.filters,
    env: process.env,
    logDir: join(data, "logs"),
    timeoutMs: 60_000,
  });
  good = initial.release.id;
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  sv = await startSupervisord({
    web: {
      command: `${process.execPath} ${join(store.currentPath, "apps/web/dist/main.js")}`,
      autorestart: true,
      startsecs: 1,
      startretries: 3,
      environment: { PORT: String(port) },
    },
  });
  const promotion = new Promotion({
    releases: store,
    control: sv.client,
    checks: scopes.services,
    urls: { web: url },
    selfProgram: "core-back",
    bootEntry: null,
    env: process.env,
  });
  service = createTestService(ws, {
    restarter: sv.client,
    scopes,
    builder: new BuildRunner({
      turboBin: TURBO_BIN,
      workspaceDir: ws.dir,
      env: process.env,
      killGraceMs: 1_000,
      cacheDir,
    }),
    releases: { store, promotion, workspaceDir: ws.dir, env: process.env, restartSelfWatched: () => Promise.resolve() },
  }).service;
  expect(await servesEventually("v1")).toBe("v1");
}, 120_000);

afterAll(async () => {
  await service?.shutdown();
  await sv?.stop();
  ws?.remove();
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
