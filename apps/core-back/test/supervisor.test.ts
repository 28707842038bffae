import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SupervisorClient, SupervisorFaultError, SupervisorUnavailableError } from "../src/supervisor/client.js";
import { createFixtureWorkspace, processAlive, type FixtureWorkspace } from "./fixture-workspace.js";
import { createTestService, removeTestDataDirs } from "./service-harness.js";
import { startSupervisord, type TestSupervisord } from "./supervisord.js";

const node = process.execPath;
let sv: TestSupervisord;
let fx: FixtureWorkspace;
const programs = mkdtempSync(join(tmpdir(), "core-back-programs-"));

// A service whose build crashes 1.3 s after start (after its startsecs, so supervisord counts
// each attempt as started and autorestarts it), until a fix is deployed ("ok" mode).
const CRASH_LOOP = `
import { appendFileSync, readFileSync } from "node:fs";
const dir = process.argv[2];
const mode = readFileSync(dir + "/loop-mode", "utf8").trim();
appendFileSync(dir + "/loop-runs.log", JSON.stringify({ pid: process.pid, mode }) + "\\n");
if (mode === "ok") {
  console.log("fixed build serving");
  setInterval(() => {}, 1000);
} else {
  console.log("old build: crashing soon");
  setTimeout(() => {
    appendFileSync(dir + "/loop-exits.log", process.pid + "\\n");
    process.exit(1);
  }, 1300);
}
`;

// A service that fails at start with whatever message its current build has.
const FAILS_WITH = `
import { readFileSync } from "node:fs";
console.error(readFileSync(process.argv[2] + "/failure", "utf8").trim());
process.exit(3);
`;

function lines(file: string): string[] {
  try {
    return readFileSync(join(programs, file), "utf8")
      .split("\n")
      .filter((line) => line !== "");
  } catch {
    return [];
  }
}

beforeAll(async () => {
  writeFileSync(join(programs, "loop.mjs"), CRASH_LOOP);
  writeFileSync(join(programs, "loop-mode"), "crash\n");
  writeFileSync(join(programs, "fails.mjs"), FAILS_WITH);
  writeFileSync(join(programs, "failure"), "nothing yet\n");
  sv = await startSupervisord({
    "svc-loop": {
      command: `${node} ${join(programs, "loop.mjs")} ${programs}`,
      autorestart: true,
      startretries: 3,
      startsecs: 1,
    },
    "svc-fails": { command: `${node} ${join(programs, "fails.mjs")} ${programs}`, autostart: false, startsecs: 1 },
    "svc-ok": { command: `${node} -e "console.log('svc-ok up'); setInterval(() => {}, 1000)"`, startsecs: 1 },
    "svc-broken": {
      command: `${node} -e "console.error('cannot listen on 127.0.0.1:4999: EADDRINUSE'); process.exit(3)"`,
      autostart: false,
      startsecs: 1,
    },
  });
  fx = createFixtureWorkspace({ platform: ["svc-ok"], all: ["svc-ok", "svc-broken"] });
});
afterAll(async () => {
  await sv?.stop();
  fx?.remove();
  rmSync(programs, { recursive: true, force: true });
  removeTestDataDirs();
});

describe("SupervisorClient against a real supervisord", () => {
  it("restarts a running program: a new process, up and running", async () => {
    const before = await sv.client.getProcessInfo("svc-ok");
    expect(before.statename).toBe("RUNNING");
    await sv.client.restart("svc-ok");
    const after = await sv.client.getProcessInfo("svc-ok");
    expect(after.statename).toBe("RUNNING");
    expect(after.pid).not.toBe(before.pid);
    expect(processAlive(before.pid)).toBe(false);
  });

  it("reports a program that dies at start as a typed fault carrying its own output", async () => {
    const error = await sv.client.restart("svc-broken").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SupervisorFaultError);
    const fault = error as SupervisorFaultError;
    expect(fault.method).toBe("supervisor.startProcess");
    expect(fault.faultString).toMatch(/SPAWN_ERROR|ABNORMAL_TERMINATION/);
    expect(fault.outputTail).toContain("EADDRINUSE");
  });

  it("quotes only this attempt's output when a restart fails, not what earlier runs logged", async () => {
    writeFileSync(join(programs, "failure"), "old failure: listen EADDRINUSE 127.0.0.1:4999\n");
    const first = (await sv.client.restart("svc-fails").catch((e: unknown) => e)) as SupervisorFaultError;
    expect(first.outputTail).toContain("old failure: listen EADDRINUSE");

    writeFileSync(join(programs, "failure"), "new failure: Cannot find module './routes.js'\n");
    const second = (await sv.client.restart("svc-fails").catch((e: unknown) => e)) as SupervisorFaultError;
    expect(second).toBeInstanceOf(SupervisorFaultError);
    expect(second.outputTail).toContain("new failure: Cannot find module './routes.js'");
    expect(second.outputTail).not.toContain("old failure");
  });

  it("restarts a crash-looping program although supervisord's autorestart starts it between stop and start", async () => {
    // Three rounds: each lands the restart right after a crash, while supervisord holds the
    // program EXITED until its next wake-up, which the stop call itself causes.
    for (let round = 0; round < 3; round += 1) {
      writeFileSync(join(programs, "loop-mode"), "crash\n");
      await sv.client.restart("svc-loop");
      const exits = lines("loop-exits.log").length;
      await expect.poll(() => lines("loop-exits.log").length, { timeout: 15_000, interval: 20 }).toBe(exits + 1);
      await sleep(150);
      writeFileSync(join(programs, "loop-mode"), "ok\n");
      await sv.client.restart("svc-loop");
      const info = await sv.client.getProcessInfo("svc-loop");
      expect(info.statename).toBe("RUNNING");
      const run = lines("loop-runs.log")
        .map((line) => JSON.parse(line) as { pid: number; mode: string })
        .find((entry) => entry.pid === info.pid);
      expect(run?.mode).toBe("ok");
    }
  });

  it("names an unknown program in a BAD_NAME fault", async () => {
    await expect(sv.client.restart("nope")).rejects.toMatchObject({
      faultCode: 10,
      faultString: expect.stringMatching(/BAD_NAME/),
    });
  });

  it("says so when supervisord cannot be reached", async () => {
    const client = new SupervisorClient({ socketPath: `${sv.dir}/missing.sock` });
    await expect(client.restart("svc-ok")).rejects.toBeInstanceOf(SupervisorUnavailableError);
  });

  it("restarts a program from a helper in its own session (how core-back restarts itself)", async () => {
    const before = await sv.client.getProcessInfo("svc-ok");
    await sv.client.restartSelf("svc-ok");
    await expect
      .poll(
        async () => {
          const info = await sv.client.getProcessInfo("svc-ok");
          return info.statename === "RUNNING" && info.pid !== before.pid;
        },
        { timeout: 15_000 },
      )
      .toBe(true);
  });
});

describe("a deploy's restart phase", () => {
  it("restarts the scope's services after a successful build", async () => {
    const { service } = createTestService(fx, { restarter: sv.client });
    const before = await sv.client.getProcessInfo("svc-ok");
    const { deploy } = service.start({ scope: "platform", requestedBy: null, sessionId: null });
    const done = await service.waitForDone(deploy.id, 60_000);
    expect(done).toMatchObject({ status: "ok", phase: "done", exitCode: 0, errorSummary: null, selfRestart: false });
    expect((await sv.client.getProcessInfo("svc-ok")).pid).not.toBe(before.pid);
    // The build ends before the restart begins; svc-ok takes its 1 s startsecs to count as running.
    const started = Date.parse(done.startedAt!);
    const buildEnded = Date.parse(done.buildEndedAt!);
    const ended = Date.parse(done.endedAt!);
    expect(buildEnded).toBeGreaterThanOrEqual(started);
    expect(ended - buildEnded).toBeGreaterThanOrEqual(900);
    await service.shutdown();
  });

  it("records a self-restart, and runs deploys queued meanwhile if the restart never stops this process", async () => {
    // svc-ok plays core-back: the helper restarts it, but this test process lives on.
    const { service } = createTestService(fx, {
      restarter: sv.client,
      selfProgram: "svc-ok",
      selfRestartDelayMs: 50,
      selfRestartWatchdogMs: 1500,
    });
    const before = await sv.client.getProcessInfo("svc-ok");
    const first = service.start({ scope: "platform", requestedBy: null, sessionId: null }).deploy;
    const done = await service.waitForDone(first.id, 60_000);
    expect(done).toMatchObject({ status: "ok", selfRestart: true, phase: "done" });
    const queued = service.start({ scope: "platform", requestedBy: null, sessionId: null }).deploy;
    await expect
      .poll(async () => (await sv.client.getProcessInfo("svc-ok")).pid !== before.pid, { timeout: 15_000 })
      .toBe(true);
    expect(service.get(queued.id)?.status).toBe("queued");
    const queuedDone = await service.waitForDone(queued.id, 60_000);
    expect(queuedDone.status).toBe("ok");
    await service.shutdown();
  });

  it("quotes only this deploy's start of the service in errorSummary, not the failures of earlier deploys", async () => {
    const failsFx = createFixtureWorkspace({ platform: ["svc-fails"], all: ["svc-fails"] });
    const { service } = createTestService(failsFx, { restarter: sv.client });
    try {
      writeFileSync(join(programs, "failure"), "earlier deploy: TypeError: config.port is undefined\n");
      const earlier = service.start({ scope: "platform", requestedBy: null, sessionId: null }).deploy;
      expect((await service.waitForDone(earlier.id, 60_000)).errorSummary).toContain("config.port is undefined");

      writeFileSync(join(programs, "failure"), "this deploy: SyntaxError: Unexpected token '}'\n");
      const now = service.start({ scope: "platform", requestedBy: null, sessionId: null }).deploy;
      const done = await service.waitForDone(now.id, 60_000);
      expect(done).toMatchObject({ status: "error", phase: "restart" });
      expect(done.errorSummary).toContain("this deploy: SyntaxError: Unexpected token '}'");
      expect(done.errorSummary).not.toContain("config.port is undefined");
    } finally {
      await service.shutdown();
      failsFx.remove();
    }
  });

  it("fails the deploy in phase restart with the service's output when a service does not come up", async () => {
    const { service } = createTestService(fx, { restarter: sv.client, defaultMode: "unrestricted" });
    const { deploy } = service.start({ scope: "all", requestedBy: null, sessionId: null });
    const done = await service.waitForDone(deploy.id, 60_000);
    expect(done.status).toBe("error");
    expect(done.phase).toBe("restart");
    expect(done.exitCode).toBe(0);
    expect(done.errorSummary).toMatch(/the build passed but svc-broken did not restart/);
    expect(done.errorSummary).toContain("EADDRINUSE");
    await service.shutdown();
  });
});
