import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/database.js";
import { DeployRepository } from "../../src/deploy/repository.js";
import { TURBO_BIN } from "../fixture-workspace.js";
import {
  createAdminKey,
  freePort,
  selfDeployInit,
  startServerProcess,
  TEST_DEPLOY_TOKEN,
  type ServerProcess,
} from "../server-process.js";
import { removeTestDataDirs } from "../service-harness.js";
import { HOSTILE_EDITS, webSource } from "./web-fixture.js";
import { startWebPlatform, type WebPlatform } from "./web-platform.js";

const asSelf = { requestedBy: null, sessionId: null };
let platform: WebPlatform;

/** Polls `check` every 100 ms until it holds; fails the test with `what` when it never does. */
async function until(what: string, check: () => boolean | Promise<boolean>, tries = 300): Promise<void> {
  for (let i = 0; i < tries; i += 1) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`never happened: ${what}`);
}

beforeAll(async () => {
  platform = await startWebPlatform({ startTimeoutMs: 3_000, settleMs: 1_500 });
  expect(await platform.servesEventually("v1")).toBe("v1");
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  removeTestDataDirs();
});

describe("a scope that restarts the server running the deploy (core-back itself)", () => {
  it("answers ok once the rest passed, then a watcher gates the restart and confirms the release", async () => {
    platform.ws.setSource(webSource("v2"));
    const service = platform.createService({ selfProgram: "web" });
    const { deploy } = service.start({ scope: "platform", ...asSelf });
    const answer = await service.waitForDone(deploy.id, 60_000);
    expect(answer).toMatchObject({ status: "ok", selfRestart: true, release: answer.builtRelease });
    await until("the watcher confirms the release", () => platform.store.stateOf(answer.release!) === "good");
    expect(await platform.served()).toBe("v2");
  }, 60_000);

  it("when the restarted server fails its gate, the watcher brings the previous release back and the row says rolled_back", async () => {
    const good = platform.store.currentId()!;
    platform.ws.setSource(HOSTILE_EDITS["throws at start"]);
    const dataDir = mkdtempSync(join(tmpdir(), "core-back-data-"));
    const service = platform.createService({ selfProgram: "web", dataDir });
    const { deploy } = service.start({ scope: "platform", ...asSelf });
    const answer = await service.waitForDone(deploy.id, 60_000);
    // The answer came before the restart: ok for what it could check, with selfRestart set.
    expect(answer).toMatchObject({ status: "ok", selfRestart: true });
    await until(
      "the watcher marks the release failed",
      () => platform.store.stateOf(answer.builtRelease!) === "failed",
    );
    await until("the previous release is live", () => platform.store.currentId() === good);
    expect(await platform.servesEventually("v2")).toBe("v2");
    // The server that comes back reads the watcher's outcome into the row.
    const restarted = platform.createService({ selfProgram: "web", dataDir });
    await restarted.recover();
    const row = restarted.get(deploy.id);
    expect(row).toMatchObject({ status: "rolled_back", phase: "health", release: good });
    expect(row?.errorSummary).toMatch(/web exited/);
    expect(row?.errorSummary).toContain("boom at start");
  }, 60_000);
});

describe("kill -9 of core-back", () => {
  let server: ServerProcess | undefined;
  let env: Record<string, string | undefined>;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "core-back-data-"));
    const port = await freePort();
    env = {
      ...process.env,
      PORT: String(port),
      WORKSPACE_DIR: platform.ws.dir,
      BUILD_SCOPES_FILE: platform.ws.scopesFile,
      CORE_BACK_DATA_DIR: dataDir,
      TURBO_BIN,
      LOG_LEVEL: "warn",
      DEPLOY_SETTLE_MS: "20",
      BETTER_AUTH_SECRET: "a-test-secret-that-is-long-enough-0123456789",
      SELF_DEPLOY_TOKEN: TEST_DEPLOY_TOKEN,
      SUPERVISOR_SOCKET: platform.sv.socketPath,
      RELEASES_DIR: platform.store.dir,
      TURBO_CACHE_DIR: join(platform.dataDir, "turbo-cache"),
      SERVICE_URLS: `web=${platform.url}`,
      // The fixture has no core-back: its boot check boots the web service of the release.
      BOOT_CHECK_ENTRY: "apps/web/dist/main.js",
    };
  });

  afterAll(() => {
    server?.child.kill("SIGKILL");
  });

  const repository = () => new DeployRepository(openDatabase(join(dataDir, "core-back.db")));

  async function deployThenKill(source: string, when: (logText: string, deployId: string) => boolean) {
    if (server !== undefined) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    const good = platform.store.currentId()!;
    const serving = await platform.served();
    platform.ws.setSource(source);
    server = await startServerProcess(env);
    const response = await fetch(`${server.url}/api/v1/self/deploy?wait=false`, selfDeployInit());
    expect(response.status).toBe(202);
    const { deployId } = (await response.json()) as { deployId: string };
    const logPath = join(dataDir, "deploy-logs", `${deployId}.log`);
    await until("the moment to kill core-back", () => {
      try {
        return when(readFileSync(logPath, "utf8"), deployId);
      } catch {
        return false;
      }
    });
    server.child.kill("SIGKILL");
    await server.exited;
    // What supervisord does next: start core-back again.
    server = await startServerProcess(env);
    return { good, deployId, serving, log: () => readFileSync(logPath, "utf8") };
  }

  it("boot-checks the server's part of a build before promotion: one that throws at start answers 500 boot_check and is never live", async () => {
    if (server !== undefined) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    const good = platform.store.currentId()!;
    const serving = await platform.served();
    platform.ws.setSource(HOSTILE_EDITS["throws at start"]);
    server = await startServerProcess(env);
    const response = await fetch(`${server.url}/api/v1/self/deploy`, selfDeployInit());
    const body = (await response.json()) as { status: string; phase: string; release: string; errorSummary: string };
    expect(response.status).toBe(500);
    expect(body).toMatchObject({ status: "error", phase: "boot_check", release: good });
    expect(body.errorSummary).toMatch(/exited at boot \(exit code 1\); release \S+ was not promoted/);
    expect(body.errorSummary).toContain("boom at start");
    expect(platform.store.currentId()).toBe(good);
    expect(await platform.served()).toBe(serving);
  }, 60_000);

  it("lets an admin roll back to a known-good release, audited on the deploy list, and refuses a failed one", async () => {
    if (server !== undefined) {
      server.child.kill("SIGTERM");
      await server.exited;
    }
    server = await startServerProcess(env);
    const headers = { "x-api-key": createAdminKey(env), "content-type": "application/json", origin: server.url };
    const live = platform.store.currentId()!;
    platform.ws.setSource(webSource("v9"));
    const deployed = await fetch(`${server.url}/api/v1/self/deploy`, selfDeployInit());
    expect(deployed.status).toBe(200);
    expect(await platform.served()).toBe("v9");
    const releases = (await (await fetch(`${server.url}/deploy/releases`, { headers })).json()) as {
      live: string;
      items: { id: string; state: string; live: boolean }[];
    };
    expect(releases.live).not.toBe(live);
    const halfBuilt = platform.store.create(null).id;
    const refused = await fetch(`${server.url}/deploy/rollback`, {
      method: "POST",
      headers,
      body: JSON.stringify({ releaseId: halfBuilt }),
    });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: string }).error).toBe("release_not_promotable");
    const rolled = await fetch(`${server.url}/deploy/rollback`, {
      method: "POST",
      headers,
      body: JSON.stringify({ releaseId: live }),
    });
    const row = (await rolled.json()) as { id: string; action: string; release: string; requestedBy: string };
    expect(rolled.status).toBe(200);
    expect(row).toMatchObject({ action: "rollback", release: live, requestedBy: "ops@example.test" });
    expect(platform.store.currentId()).toBe(live);
    expect(await platform.served()).not.toBe("v9");
    const list = (await (await fetch(`${server.url}/deploy`, { headers })).json()) as { items: { id: string }[] };
    expect(list.items[0]?.id).toBe(row.id);
  }, 90_000);

  it("during a promotion: the server that comes back puts the last good release back and the row says what happened", async () => {
    const { good, deployId, serving } = await deployThenKill(HOSTILE_EDITS["throws after 1.5 s"], (log) =>
      /restarting web on release/.test(log),
    );
    expect(platform.store.currentId()).toBe(good);
    expect(await platform.served()).toBe(serving);
    const row = repository().get(deployId);
    expect(row).toMatchObject({ status: "interrupted", release: good });
    expect(row?.errorSummary).toContain(`release ${good} is live again`);
    expect(platform.store.stateOf(row!.builtRelease!)).toBe("failed");
  }, 90_000);

  it("during a rollback: the same, and the good release keeps serving after a restart by supervisord", async () => {
    const { good, deployId, serving, log } = await deployThenKill(HOSTILE_EDITS["throws after 1.5 s"], (text) =>
      /rolling back to release/.test(text),
    );
    expect(platform.store.currentId()).toBe(good);
    expect(await platform.served(), log()).toBe(serving);
    expect(repository().get(deployId)).toMatchObject({ status: "interrupted", release: good });
    await platform.sv.client.restart("web");
    expect(await platform.servesEventually(serving)).toBe(serving);
  }, 90_000);
});
