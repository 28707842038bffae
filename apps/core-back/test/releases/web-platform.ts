import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "@app-building/testkit";
import { loadBuildScopes, type BuildScopes } from "@app-building/types";
import { Promotion } from "../../src/deploy/promotion.js";
import { ensureInitialRelease } from "../../src/deploy/releases/initial.js";
import { ReleaseStore } from "../../src/deploy/releases/store.js";
import { BuildRunner } from "../../src/deploy/runner.js";
import type { DeployService } from "../../src/deploy/service.js";
import { TURBO_BIN } from "../fixture-workspace.js";
import { createTestService } from "../service-harness.js";
import { startSupervisord, type TestSupervisord } from "../supervisord.js";
import { createWebWorkspace, type WebWorkspace } from "./web-fixture.js";

/** The web workspace deployed through releases, its service under a real supervisord. */
export interface WebPlatform {
  ws: WebWorkspace;
  sv: TestSupervisord;
  store: ReleaseStore;
  scopes: BuildScopes;
  url: string;
  /** The first release, built from the workspace before supervisord started. */
  initial: string;
  dataDir: string;
  /** A deploy service over this platform (a new one is what a restarted core-back is). */
  createService(options?: { selfProgram?: string; dataDir?: string }): DeployService;
  /** What `/` serves now, or `down (CODE)`. */
  served(): Promise<string>;
  /** Polls until `/` serves `text` (supervisord's restart takes a moment); what it served last. */
  servesEventually(text: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startWebPlatform(check: { startTimeoutMs: number; settleMs: number }): Promise<WebPlatform> {
  const ws = createWebWorkspace(check);
  const dataDir = mkdtempSync(join(tmpdir(), "core-back-releases-"));
  const store = new ReleaseStore({ dir: join(dataDir, "releases"), keep: 2 });
  const cacheDir = join(dataDir, "turbo-cache");
  const scopes = loadBuildScopes(ws.scopesFile);
  const initial = await ensureInitialRelease({
    store,
    workspaceDir: ws.dir,
    turboBin: TURBO_BIN,
    cacheDir,
    filters: scopes.scopes.platform.filters,
    env: process.env,
    logDir: join(dataDir, "logs"),
    timeoutMs: 60_000,
  });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const sv = await startSupervisord({
    web: {
      command: `${process.execPath} ${join(store.currentPath, "apps/web/dist/main.js")}`,
      autorestart: true,
      startsecs: 1,
      startretries: 3,
      environment: { PORT: String(port) },
    },
  });
  const promotion = (selfProgram: string) =>
    new Promotion({
      releases: store,
      control: sv.client,
      checks: scopes.services,
      urls: { web: url },
      selfProgram,
      bootEntry: null,
      env: process.env,
    });
  const services: DeployService[] = [];
  const served = async (): Promise<string> => {
    try {
      return await (await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) })).text();
    } catch (error) {
      return `down (${(error as { cause?: { code?: string } }).cause?.code ?? "?"})`;
    }
  };
  return {
    ws,
    sv,
    store,
    scopes,
    url,
    dataDir,
    initial: initial.release.id,
    createService: ({ selfProgram = "core-back", dataDir: serviceData } = {}) => {
      const { service } = createTestService(ws, {
        restarter: sv.client,
        scopes,
        selfProgram,
        selfRestartDelayMs: 50,
        dataDir: serviceData,
        builder: new BuildRunner({
          turboBin: TURBO_BIN,
          workspaceDir: ws.dir,
          env: process.env,
          killGraceMs: 1_000,
          cacheDir,
        }),
        releases: {
          store,
          promotion: promotion(selfProgram),
          workspaceDir: ws.dir,
          env: process.env,
          restartSelfWatched: (program, release, previous) =>
            sv.client.restartSelf(program, [
              store.dir,
              release,
              previous ?? "-",
              url,
              JSON.stringify(scopes.services[program]),
            ]),
        },
      });
      services.push(service);
      return service;
    },
    served,
    servesEventually: async (text) => {
      let last = "";
      for (let i = 0; i < 100; i += 1) {
        last = await served();
        if (last === text) return last;
        await sleep(100);
      }
      return last;
    },
    stop: async () => {
      for (const service of services) await service.shutdown();
      await sv.stop();
      ws.remove();
    },
  };
}
