import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixtureWorkspace, processAlive, type FixtureWorkspace } from "./fixture-workspace.js";
import {
  CREATE_ADMIN_JS,
  createAdminKey,
  freePort,
  MAIN_JS,
  serverEnv,
  selfDeployInit,
  startServerProcess,
  waitHealthy,
  type ServerProcess,
} from "./server-process.js";
import { startSupervisord, type TestSupervisord } from "./supervisord.js";

let fx: FixtureWorkspace;
const started: ServerProcess[] = [];
const dataDirs: string[] = [];
const dataDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "core-back-e2e-"));
  dataDirs.push(dir);
  return dir;
};

beforeAll(() => {
  fx = createFixtureWorkspace();
});
afterAll(() => {
  for (const server of started) if (server.child.exitCode === null) server.child.kill("SIGKILL");
  fx?.remove();
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

async function deployRow(url: string, key: string, id: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${url}/deploy/${id}`, { headers: { "x-api-key": key } });
  return (await response.json()) as Record<string, unknown>;
}

describe("core-back as a process (node dist/main.js)", () => {
  it("refuses to start when build-scopes.json names a package the workspace does not have", () => {
    const scopes = join(fx.dir, "bad-scopes.json");
    writeFileSync(
      scopes,
      JSON.stringify({
        scopes: {
          platform: { description: "p", filters: ["@fx/app...", "@fx/ghost..."], restart: [] },
          all: { description: "a", filters: ["@fx/*"], restart: [] },
        },
      }),
    );
    const env = serverEnv(fx, dataDir(), 1, { BUILD_SCOPES_FILE: scopes });
    const result = spawnSync(process.execPath, [MAIN_JS], { env, encoding: "utf8", timeout: 30_000 });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/core-back cannot start: .*scope "platform": filter "@fx\/ghost\.\.\."/);
  });

  it("creates an admin from a password on stdin without an API key, who can then sign in", async () => {
    const env = serverEnv(fx, dataDir(), await freePort());
    const created = spawnSync(
      process.execPath,
      [CREATE_ADMIN_JS, "--email", "First@Example.test", "--password-stdin", "--no-api-key"],
      { env, input: "a password from stdin\n", encoding: "utf8" },
    );
    expect(created.status, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ email: "first@example.test", created: true, apiKey: null });
    const again = spawnSync(
      process.execPath,
      [CREATE_ADMIN_JS, "--email", "first@example.test", "--password", "other"],
      {
        env,
        encoding: "utf8",
      },
    );
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("at least 8 characters");
    const server = await startServerProcess(env);
    started.push(server);
    const signIn = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email: "first@example.test", password: "a password from stdin" }),
    });
    expect(signIn.status).toBe(200);
  });

  it("recovers from kill -9 mid-build: the row becomes interrupted, the orphaned build is stopped, the next deploy works", async () => {
    const env = serverEnv(fx, dataDir(), await freePort());
    const key = createAdminKey(env);
    const first = await startServerProcess(env);
    started.push(first);

    fx.setSlowDelay(60_000);
    const runsBefore = fx.slowRuns().length;
    const accepted = await fetch(`${first.url}/api/v1/self/deploy?wait=false`, selfDeployInit());
    expect(accepted.status).toBe(202);
    const { deployId } = (await accepted.json()) as { deployId: string };
    await expect.poll(() => fx.slowRuns().length, { timeout: 20_000 }).toBe(runsBefore + 1);
    const run = fx.slowRuns()[runsBefore]!;

    first.child.kill("SIGKILL");
    await first.exited;
    expect(processAlive(run.childPid)).toBe(true); // the build outlived its server

    const second = await startServerProcess(env);
    started.push(second);
    const row = await deployRow(second.url, key, deployId);
    expect(row).toMatchObject({ status: "interrupted", phase: "build" });
    expect(row.endedAt).not.toBeNull();
    expect(processAlive(run.pid)).toBe(false);
    expect(processAlive(run.childPid)).toBe(false);

    fx.setSlowDelay(0);
    const next = await fetch(`${second.url}/api/v1/self/deploy`, selfDeployInit());
    expect(next.status).toBe(200);
    expect(await next.json()).toMatchObject({ ok: true, status: "ok" });

    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
  });
});

describe("graceful shutdown on SIGTERM", () => {
  it("lets a running deploy finish within the grace period and answers its caller before exiting", async () => {
    const env = serverEnv(fx, dataDir(), await freePort(), {
      SHUTDOWN_GRACE_MS: "20000",
    });
    const server = await startServerProcess(env);
    started.push(server);
    fx.setSlowDelay(1500);
    const runsBefore = fx.slowRuns().length;
    const answer = fetch(`${server.url}/api/v1/self/deploy`, selfDeployInit());
    await expect.poll(() => fx.slowRuns().length, { timeout: 20_000 }).toBe(runsBefore + 1);
    server.child.kill("SIGTERM");
    const response = await answer;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: true, status: "ok" });
    expect(await server.exited).toBe(0);
  });

  it("past the grace period, ends the running deploy as interrupted, answers 500 and stops the build", async () => {
    const env = serverEnv(fx, dataDir(), await freePort(), {
      SHUTDOWN_GRACE_MS: "500",
    });
    const server = await startServerProcess(env);
    started.push(server);
    fx.setSlowDelay(60_000);
    const runsBefore = fx.slowRuns().length;
    const answer = fetch(`${server.url}/api/v1/self/deploy`, selfDeployInit());
    await expect.poll(() => fx.slowRuns().length, { timeout: 20_000 }).toBe(runsBefore + 1);
    server.child.kill("SIGTERM");
    const response = await answer;
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ ok: false, status: "interrupted", exitCode: null });
    expect(await server.exited).toBe(0);
    expect(processAlive(fx.slowRuns()[runsBefore]!.childPid)).toBe(false);
  });
});

describe("core-back under supervisord", () => {
  let sv: TestSupervisord | undefined;
  afterAll(async () => {
    await sv?.stop();
  });

  it("answers a deploy whose scope restarts core-back first, then restarts itself and records it", async () => {
    const selfFx = createFixtureWorkspace({ platform: [], all: ["core-back"] });
    try {
      const port = await freePort();
      const env = serverEnv(selfFx, dataDir(), port, { DEPLOY_MODE: "unrestricted", SELF_RESTART_DELAY_MS: "200" });
      const key = createAdminKey(env);
      const programEnv = Object.fromEntries(
        Object.entries(env).filter(
          (entry): entry is [string, string] =>
            entry[1] !== undefined &&
            /^(PORT|WORKSPACE_DIR|CORE_BACK_DATA_DIR|TURBO_BIN|LOG_LEVEL|DEPLOY_|KILL_|BETTER_AUTH_|SELF_)/.test(
              entry[0],
            ),
        ),
      );
      sv = await startSupervisord({
        "core-back": {
          command: `${process.execPath} ${MAIN_JS}`,
          startsecs: 1,
          environment: { ...programEnv, SUPERVISOR_SOCKET: "%(here)s/supervisor.sock" },
        },
      });
      const url = `http://127.0.0.1:${port}`;
      await waitHealthy(url);
      const before = await sv.client.getProcessInfo("core-back");
      expect(before.statename).toBe("RUNNING");

      const response = await fetch(`${url}/api/v1/self/deploy`, selfDeployInit(JSON.stringify({ scope: "all" })));
      expect(response.status).toBe(200);
      const body = (await response.json()) as { deployId: string; status: string; selfRestart: boolean };
      // The answer says core-back answered before restarting itself: confirm with /health.
      expect(body).toMatchObject({ status: "ok", selfRestart: true });

      await expect
        .poll(
          async () => {
            const info = await sv!.client.getProcessInfo("core-back");
            return info.statename === "RUNNING" && info.pid !== before.pid;
          },
          { timeout: 20_000 },
        )
        .toBe(true);
      expect(processAlive(before.pid)).toBe(false);
      await expect
        .poll(
          () =>
            fetch(`${url}/health`).then(
              (r) => r.status,
              () => 0,
            ),
          { timeout: 10_000 },
        )
        .toBe(200);
      expect(await deployRow(url, key, body.deployId)).toMatchObject({
        status: "ok",
        selfRestart: true,
        phase: "done",
      });
    } finally {
      selfFx.remove();
    }
  });
});
