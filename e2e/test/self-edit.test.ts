// The product end to end: `npm start` in a copy of this checkout brings up supervisord,
// core-back, the console and the platform's agent container; the real Claude Code CLI,
// driven by a scripted model, edits the console, calls the build skill's exact curl, and
// the platform rebuilds with real turbo and restarts the console through real supervisord.
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startScriptedModel, type ScriptedModel } from "@app-building/testkit";
import type { Deploy } from "@app-building/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allEvents, toolResults } from "../src/agent-events.js";
import { launchBrowser, recordProblems, screenshot } from "../src/browser.js";
import { capture } from "../src/exec.js";
import { signIn, startPlatform, type RunningPlatform } from "../src/platform.js";
import { skillCommand } from "../src/skill.js";
import { copyWorkspace } from "../src/workspace-copy.js";

const BRAND_FILE = "apps/console/src/views/brand.ts";
const BRAND_LINE = 'export const BRAND = "app-building console";';
const CONSOLE_MAIN = "apps/console/src/main.ts";
const CORE_BACK_MAIN = "apps/core-back/src/main.ts";

let model: ScriptedModel;
let copy: { dir: string; cleanup(): Promise<void> };
let platform: RunningPlatform;

function bash(command: string, description: string) {
  return { toolUses: [{ name: "Bash", input: { command, description, timeout: 600_000 } }] };
}

/** Sends a prompt to the platform's agent and returns the text of every tool result it got. */
async function prompt(text: string): Promise<{ status: string; results: string[] }> {
  const { state, client } = await platform.agent();
  const accepted = await client.sendMessage(text);
  const message = await client.waitForMessage(accepted.id, { timeoutMs: 8 * 60_000 });
  return { status: message.status, results: toolResults(await allEvents(state), accepted.id) };
}

async function consolePage(path = "/sign-in"): Promise<string> {
  const response = await fetch(`${platform.consoleUrl}${path}`);
  return response.text();
}

async function deploys(): Promise<Deploy[]> {
  const cookie = await signIn(platform.coreBackUrl, platform.admin);
  const response = await fetch(`${platform.coreBackUrl}/deploy?limit=100`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: Deploy[] }).items;
}

/** What a service's health URL answers, or null when it does not answer. */
async function healthOf(baseUrl: string): Promise<{ release?: string | null; mode?: string } | null> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(2_000) });
    return (await response.json()) as { release?: string | null; mode?: string };
  } catch {
    return null;
  }
}

/** The release a service's health URL reports, or null when it does not answer. */
async function health(baseUrl: string): Promise<string | null> {
  return (await healthOf(baseUrl))?.release ?? null;
}

/** Runs the build skill's exact curl, as the agent would, and parses its answer. */
async function skillCurl(skill = "build"): Promise<Record<string, unknown>> {
  const result = await capture("bash", ["-c", skillCommand(skill)], {
    cwd: copy.dir,
    env: {
      ...platform.env,
      CORE_BACK_URL: platform.coreBackUrl,
      // What the start command gives the platform's agent: the token that allows this call only.
      APP_BUILDING_DEPLOY_TOKEN: readFileSync(join(copy.dir, ".data", "core-back", "self-deploy.token"), "utf8").trim(),
    },
    timeoutMs: 10 * 60_000,
  });
  expect(result.code, result.output).toBe(0);
  return parseResult(result.output);
}

function parseResult(text: string): Record<string, unknown> {
  const start = text.indexOf("{");
  return JSON.parse(text.slice(start)) as Record<string, unknown>;
}

const CONSOLE_START_TIMEOUT_MS = 15_000;
const CONSOLE_MAIN_START = "function main(): void {";

/** The six console edits an agent can make that must never leave the console down. */
const HOSTILE_CONSOLE_EDITS: Record<
  string,
  { edit: (source: string) => string; answer: Record<string, unknown>; summary: RegExp }
> = {
  "a type error": {
    edit: (source) =>
      source.replace(
        CONSOLE_MAIN_START,
        `${CONSOLE_MAIN_START}\n  const broken: number = "not a number";\n  void broken;`,
      ),
    answer: { status: "error", phase: "build" },
    summary: /main\.ts\(\d+,\d+\).*TS2322/,
  },
  "compiles but throws at start": {
    edit: (source) =>
      source.replace(
        CONSOLE_MAIN_START,
        `${CONSOLE_MAIN_START}\n  if (Date.now() > 0) throw new Error("console boom at start");`,
      ),
    answer: { status: "rolled_back", phase: "health" },
    summary: /^console exited[\s\S]*console boom at start/,
  },
  "listens on the wrong port": {
    edit: (source) => source.replace("port: config.port,", "port: config.port + 1,"),
    answer: { status: "rolled_back", phase: "health" },
    summary: /^console: no answer on :\d+\/health from release \S+ within 15 s/,
  },
  "exits after 3 s": {
    edit: (source) =>
      source.replace(CONSOLE_MAIN_START, `${CONSOLE_MAIN_START}\n  setTimeout(() => process.exit(4), 3_000);`),
    answer: { status: "rolled_back", phase: "health" },
    summary: /^console stopped within its 3\.5 s settle window/,
  },
  "throws after 1.5 s": {
    edit: (source) =>
      source.replace(
        CONSOLE_MAIN_START,
        `${CONSOLE_MAIN_START}\n  setTimeout(() => {\n    throw new Error("console boom later");\n  }, 1_500);`,
      ),
    answer: { status: "rolled_back", phase: "health" },
    summary: /^console stopped within its 3\.5 s settle window[\s\S]*console boom later/,
  },
  "hangs at start without listening": {
    edit: (source) =>
      source.replace(
        CONSOLE_MAIN_START,
        `${CONSOLE_MAIN_START}\n  setInterval(() => undefined, 1_000);\n  if (Date.now() > 0) return;`,
      ),
    answer: { status: "rolled_back", phase: "health" },
    summary: /^console: no answer on :\d+\/health from release \S+ within 15 s/,
  },
};

function supervisorConf(): string {
  return join(copy.dir, ".data/supervisor/supervisord.conf");
}

/** Asks the console's health every 100 ms until stopped: which release answered, and when. */
function pollConsole(): { samples: Array<{ at: number; release: string | null }>; stop(): Promise<void> } {
  const samples: Array<{ at: number; release: string | null }> = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      samples.push({ at, release: await health(platform.consoleUrl) });
      await sleep(Math.max(0, 100 - (Date.now() - at)));
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** core-back's deploy mode, from its health, or null when it does not answer. */
async function mode(): Promise<string | null> {
  return (await healthOf(platform.coreBackUrl))?.mode ?? null;
}

let coreBackSource = "";

/** core-back's entry with `statement` run first thing in `main`, once its config is loaded. */
function throwInCoreBack(statement: string): string {
  const anchor = "  const config = loadConfig();";
  expect(coreBackSource).toContain(anchor);
  return coreBackSource.replace(anchor, `${anchor}\n  ${statement}`);
}

beforeAll(async () => {
  model = await startScriptedModel();
  copy = await copyWorkspace();
  coreBackSource = readFileSync(join(copy.dir, CORE_BACK_MAIN), "utf8");
  platform = await startPlatform(copy.dir, { modelUrl: model.url });
});

afterAll(async () => {
  const stopped = await platform?.stop();
  if (stopped !== undefined && stopped.code !== 0) console.error(stopped.output);
  await model?.close();
  await copy?.cleanup();
});

describe("npm start", () => {
  it("brings up core-back, the console and the agent, and says how to use them", async () => {
    expect(platform.startOutput).toContain("the platform is running");
    expect(platform.startOutput).toContain(platform.consoleUrl);
    expect(platform.startOutput).toContain("npm run stop");
    expect((await fetch(`${platform.coreBackUrl}/health`)).status).toBe(200);
    expect((await fetch(`${platform.consoleUrl}/health`)).status).toBe(200);
    const { state, client } = await platform.agent();
    expect(platform.startOutput).toContain(state.containerName);
    expect(state.workspaceDir).toBe(copy.dir);
    const status = await client.status();
    expect(status.state).toBe("idle");
    expect(status.problems).toEqual([]);
    expect(readFileSync(join(copy.dir, ".claude", "skills", "build", "SKILL.md"), "utf8")).toContain("self/deploy");
    // The CLI the start command points to, as a fresh checkout links it (installed before the build).
    const cli = await capture(join(copy.dir, "node_modules", ".bin", "app-building"), ["status", state.containerName], {
      cwd: copy.dir,
      env: platform.env,
      timeoutMs: 30_000,
    });
    expect(cli.code, cli.output).toBe(0);
    expect(cli.output).toContain("idle");
  });

  it("run again, reuses what is running instead of failing", async () => {
    const before = (await platform.agent()).state.containerName;
    const again = await platform.start();
    expect(again.code, again.output).toBe(0);
    expect(again.output).toMatch(/core-back is already running release \S+: reusing it/);
    expect(again.output).toMatch(/console is already running release \S+: reusing it/);
    expect((await platform.agent()).state.containerName).toBe(before);
  });
});

describe("self-edit", () => {
  it("edits the console, builds with the skill's curl, and the console serves the new string", async () => {
    const brand = "app-building console, edited by its agent";
    model.push(
      bash(`sed -i 's/${BRAND_LINE.replaceAll("/", "\\/")}/export const BRAND = "${brand}";/' ${BRAND_FILE}`, "Edit"),
      bash(skillCommand("build"), "Build and restart the platform"),
      { text: "The console shows the new title." },
    );
    const { status, results } = await prompt("Give the console a new title, then build it.");
    expect(status).toBe("done");
    expect(results).toHaveLength(2);
    const answer = parseResult(results[1]!);
    expect(answer, results[1]).toMatchObject({ ok: true, status: "ok", scope: "platform", exitCode: 0 });
    expect(await consolePage()).toContain(brand);

    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${platform.consoleUrl}/sign-in`);
      expect(await page.title()).toContain(brand);
      await expect.poll(() => page.locator("header").innerText()).toContain(brand);
    } finally {
      await browser.close();
    }
  });

  it("gets a failed build's error with file and line, fixes it, and the console never goes down meanwhile", async () => {
    const lines = readFileSync(join(copy.dir, BRAND_FILE), "utf8").trimEnd().split("\n").length;
    const fixed = "app-building console, fixed by its agent";
    model.push(
      bash(`printf 'export const broken: number = "not a number";\\n' >> ${BRAND_FILE}`, "Break the build"),
      bash(skillCommand("build"), "Build and restart the platform"),
      bash(
        `sed -i '/export const broken/d; s/export const BRAND = ".*";/export const BRAND = "${fixed}";/' ${BRAND_FILE}`,
        "Fix the type error",
      ),
      bash(skillCommand("build"), "Build and restart the platform"),
      { text: "Fixed." },
    );
    // When each failed health check was sent: the console was down somewhere in the second after.
    const downs: number[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const sentAt = Date.now();
        const ok = await fetch(`${platform.consoleUrl}/health`, { signal: AbortSignal.timeout(1_000) }).then(
          (response) => response.ok,
          () => false,
        );
        if (!ok) downs.push(sentAt);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const { status, results } = await prompt("Add a constant, build, and fix what fails.");
    polling = false;
    await poller;
    expect(status).toBe("done");
    expect(results).toHaveLength(4);

    const failed = parseResult(results[1]!);
    expect(failed, results[1]).toMatchObject({ ok: false, status: "error" });
    expect(failed.errorSummary).toContain("@app-building/console#build");
    expect(failed.errorSummary).toContain(`src/views/brand.ts(${lines + 1},`);
    expect(failed.errorSummary).toContain("TS2322");
    // The model itself was sent that summary as the tool's output.
    const sentToModel = JSON.stringify(model.requests.map((request) => request.body.messages));
    expect(sentToModel).toContain("TS2322");

    const ok = parseResult(results[3]!);
    expect(ok, results[3]).toMatchObject({ ok: true, status: "ok" });
    expect(await consolePage()).toContain(fixed);

    // The failed build restarted nothing: the console answered throughout, until the fix's restart.
    const history = await deploys();
    expect(history.find((deploy) => deploy.id === failed.deployId)?.status).toBe("error");
    const fix = history.find((deploy) => deploy.id === ok.deployId);
    const restartAt = Date.parse(fix!.buildEndedAt!);
    expect(downs.filter((sentAt) => sentAt + 1_000 < restartAt)).toEqual([]);
  });

  it("a console edit that throws at start is rolled back, the agent reads why, fixes it, and the next deploy is ok", async () => {
    const liveBefore = await health(platform.consoleUrl);
    const served = await consolePage();
    model.push(
      bash(
        `sed -i 's/^function main(): void {$/function main(): void {\\n  if (Date.now() > 0) throw new Error("console boom at start");/' ${CONSOLE_MAIN}`,
        "Break the console's start",
      ),
      bash(skillCommand("build"), "Build and restart the platform"),
      bash(`sed -i '/console boom at start/d' ${CONSOLE_MAIN}`, "Remove the throw"),
      bash(skillCommand("build"), "Build and restart the platform"),
      { text: "Fixed." },
    );
    const { status, results } = await prompt("Make the console fail at start, build, then fix it.");
    expect(status).toBe("done");
    expect(results).toHaveLength(4);
    const rolledBack = parseResult(results[1]!);
    expect(rolledBack, results[1]).toMatchObject({
      ok: false,
      status: "rolled_back",
      phase: "health",
      release: liveBefore,
    });
    expect(String(rolledBack.errorSummary)).toMatch(/^console /);
    expect(String(rolledBack.errorSummary)).toContain("console boom at start");
    const sentToModel = JSON.stringify(model.requests.map((request) => request.body.messages));
    expect(sentToModel).toContain("console boom at start");
    const fixed = parseResult(results[3]!);
    expect(fixed, results[3]).toMatchObject({ ok: true, status: "ok", phase: "done" });
    // The fix restores exactly the sources of the live release: that release is
    // promoted again, with no build, and the console runs it.
    expect(fixed.release).toBe(liveBefore);
    expect(String(fixed.logTail)).toContain("no build needed");
    expect(await health(platform.consoleUrl)).toBe(fixed.release);
    expect(await consolePage()).toContain(served.slice(0, 200));
  });

  it("a core-back that throws at start fails its boot check and is never what core-back restarts into", async () => {
    // The live release (what the console runs; core-back runs it from its next restart on).
    const liveBefore = await health(platform.consoleUrl);
    const main = join(copy.dir, CORE_BACK_MAIN);
    const source = readFileSync(main, "utf8");
    writeFileSync(
      main,
      source.replace(
        "async function main(): Promise<void> {",
        'async function main(): Promise<void> {\n  if (Date.now() > 0) throw new Error("core-back boom at start");',
      ),
    );
    try {
      const answer = await skillCurl();
      expect(answer).toMatchObject({ ok: false, status: "error", phase: "boot_check", release: liveBefore });
      expect(String(answer.errorSummary)).toContain("core-back boom at start");
    } finally {
      writeFileSync(main, source);
    }
    // What a crash or a reboot does next: core-back restarts, into the live release.
    const restarted = await capture(
      "supervisorctl",
      ["-c", join(copy.dir, ".data/supervisor/supervisord.conf"), "restart", "core-back"],
      {
        cwd: copy.dir,
        env: platform.env,
        timeoutMs: 60_000,
      },
    );
    expect(restarted.code, restarted.output).toBe(0);
    await expect.poll(() => health(platform.coreBackUrl), { timeout: 20_000 }).toBe(liveBefore);
    // The skill's exact curl still gets an answer, with no person involved.
    expect(await skillCurl()).toMatchObject({ ok: true, status: "ok" });
  });

  it("in restricted mode, the build skill cannot build all and the agent is told why", async () => {
    model.push(bash(skillCommand("build").replace('"scope":"platform"', '"scope":"all"'), "Build everything"), {
      text: "Restricted.",
    });
    const { results } = await prompt("Build the whole workspace.");
    expect(results).toHaveLength(1);
    const refused = parseResult(results[0]!);
    expect(refused.error).toBe("unrestricted_required");
    expect(String(refused.message)).toMatch(/platform/);
  });
});

describe("hostile console edits through the build skill's curl", () => {
  for (const [edit, hostile] of Object.entries(HOSTILE_CONSOLE_EDITS)) {
    it(`${edit}: a true answer, and the console serves the last good build throughout or again at once`, async () => {
      const liveBefore = await health(platform.consoleUrl);
      expect(liveBefore).not.toBeNull();
      const main = join(copy.dir, CONSOLE_MAIN);
      const source = readFileSync(main, "utf8");
      const edited = hostile.edit(source);
      expect(edited).not.toBe(source);
      writeFileSync(main, edited);
      const poll = pollConsole();
      let answer: Record<string, unknown>;
      let answeredAt: number;
      try {
        answer = await skillCurl();
        answeredAt = Date.now();
        await sleep(1_500);
      } finally {
        await poll.stop();
        writeFileSync(main, source);
      }
      expect(answer, JSON.stringify(answer)).toMatchObject({ ok: false, ...hostile.answer, release: liveBefore });
      expect(String(answer.errorSummary)).toMatch(hostile.summary);
      // The answer came within the start timeout + 10 s of the build's end.
      const row = (await deploys()).find((deploy) => deploy.id === answer.deployId)!;
      expect(Date.parse(row.endedAt!) - Date.parse(row.buildEndedAt!)).toBeLessThanOrEqual(
        CONSOLE_START_TIMEOUT_MS + 10_000,
      );
      // From the answer on, every poll (every 100 ms) got the last good build.
      const afterAnswer = poll.samples.filter((sample) => sample.at >= answeredAt);
      expect(afterAnswer.length).toBeGreaterThan(5);
      expect(afterAnswer.filter((sample) => sample.release !== liveBefore)).toEqual([]);
      // A failed build restarts nothing: the console answered throughout.
      if (hostile.answer.phase === "build")
        expect(poll.samples.filter((sample) => sample.release !== liveBefore)).toEqual([]);
      // What a crash, an autorestart or a reboot does next: still the good build.
      const restarted = await capture("supervisorctl", ["-c", supervisorConf(), "restart", "console"], {
        cwd: copy.dir,
        env: platform.env,
        timeoutMs: 60_000,
      });
      expect(restarted.code, restarted.output).toBe(0);
      await expect.poll(() => health(platform.consoleUrl), { timeout: 10_000 }).toBe(liveBefore);
      expect(await consolePage()).toContain("<form");
    });
  }
});

describe("the console in a real browser", () => {
  it("signs in, shows the deploys, follows a running deploy's log, cancels it, and talks to the agent", async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const problems = recordProblems(page);

      await page.goto(platform.consoleUrl);
      expect(new URL(page.url()).pathname).toBe("/sign-in");
      await page.getByLabel("Email").fill(platform.admin.email);
      await page.getByLabel("Password").fill(platform.admin.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { name: "Recent deploys" }).waitFor();
      // The deploys of the self-edit tests above, with who asked and how they ended.
      const deployTable = page.locator('section[aria-labelledby="list-title"] table');
      const rows = deployTable.locator("tbody tr");
      expect(await rows.count()).toBeGreaterThanOrEqual(3);
      const table = await deployTable.innerText();
      expect(table).toContain("agent (self-deploy)");
      expect(table).toMatch(/\bok\b/);
      expect(table).toMatch(/\berror\b/);
      expect(table).toMatch(/\brolled back\b/);
      // The releases, the live one marked, with a rollback to an earlier good one offered to this admin.
      const releases = await page.locator('section[aria-labelledby="releases-title"] table').innerText();
      expect(releases).toMatch(/\blive\b/);
      expect(releases).toContain("Roll back to this release");
      await screenshot(page, "console-deploys");

      // A change low in the graph makes a build long enough to watch: the types package
      // and everything built on it.
      appendFileSync(join(copy.dir, "packages/types/src/index.ts"), "\n// rebuilt by the console test\n");
      await page.getByLabel("Scope").selectOption("platform");
      await page.getByRole("button", { name: "Start deploy" }).click();
      await page.waitForURL(/\/deploys\/[\w-]+(\?|$)/);
      const log = page.locator("#deploy-log");
      const before = (await log.innerText()).length;
      await expect.poll(async () => (await log.innerText()).length, { timeout: 60_000 }).toBeGreaterThan(before + 200);
      expect(await page.locator("#deploy-status").innerText()).toMatch(/queued|building/);
      await expect.poll(async () => log.innerText(), { timeout: 60_000 }).toContain("@app-building/types:build");
      await screenshot(page, "console-deploy-live-log");

      await page.getByRole("button", { name: "Cancel deploy" }).click();
      await expect
        .poll(
          async () => {
            await page.reload();
            return page.locator("#deploy-status").innerText();
          },
          { timeout: 60_000, interval: 500 },
        )
        .toContain("cancelled");
      await screenshot(page, "console-deploy-cancelled");
      expect((await fetch(`${platform.consoleUrl}/health`)).status).toBe(200);

      const { state } = await platform.agent();
      await page.getByRole("link", { name: "Containers" }).click();
      await page.getByRole("link", { name: state.containerName }).click();
      await page.getByRole("heading", { name: "Events" }).waitFor();
      model.push({ text: "Hello from the scripted model." });
      await page.getByLabel("Prompt for the agent").fill("Say hello.");
      await page.getByRole("button", { name: "Send prompt" }).click();
      const events = page.locator("#events");
      await expect.poll(() => events.innerText(), { timeout: 120_000 }).toContain("Hello from the scripted model.");
      await expect.poll(() => events.innerText(), { timeout: 60_000 }).toContain("message.done");
      await screenshot(page, "console-container-events");

      expect(problems.all()).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe("in unrestricted mode, scope all restarts core-back itself", () => {
  beforeAll(async () => {
    const again = await platform.start({ DEPLOY_MODE: "unrestricted" });
    expect(again.code, again.output).toBe(0);
    for (let i = 0; i < 300 && (await mode()) !== "unrestricted"; i += 1) await sleep(100);
    expect(await mode()).toBe("unrestricted");
  });

  afterAll(() => {
    writeFileSync(join(copy.dir, CORE_BACK_MAIN), coreBackSource);
  });

  it("a core-back that throws at start fails its boot check, and the skill's curl keeps getting answers", async () => {
    const liveBefore = await health(platform.coreBackUrl);
    writeFileSync(
      join(copy.dir, CORE_BACK_MAIN),
      throwInCoreBack('if (Date.now() > 0) throw new Error("core-back boom at start");'),
    );
    const answer = await skillCurl("build-unrestricted");
    writeFileSync(join(copy.dir, CORE_BACK_MAIN), coreBackSource);
    expect(answer).toMatchObject({ ok: false, status: "error", phase: "boot_check", release: liveBefore });
    expect(String(answer.errorSummary)).toContain("core-back boom at start");
    expect(await health(platform.coreBackUrl)).toBe(liveBefore);
  });

  it("a core-back that boots, then fails after its own restart, is rolled back by the watcher with no person involved", async () => {
    const liveBefore = await health(platform.coreBackUrl);
    const port = new URL(platform.coreBackUrl).port;
    // Fine on the boot check's spare port; on its own port it dies 1.5 s after it starts.
    writeFileSync(
      join(copy.dir, CORE_BACK_MAIN),
      throwInCoreBack(
        `if (String(config.port) === "${port}") setTimeout(() => { throw new Error("core-back boom on its own port"); }, 1_500);`,
      ),
    );
    // One session for the wait below: sign-ins are rate-limited, sessions outlive restarts.
    const cookie = await signIn(platform.coreBackUrl, platform.admin);
    const answer = await skillCurl("build-unrestricted");
    writeFileSync(join(copy.dir, CORE_BACK_MAIN), coreBackSource);
    // What core-back could check before restarting itself passed: ok, with selfRestart.
    expect(answer).toMatchObject({ ok: true, status: "ok", selfRestart: true });
    expect(answer.release).not.toBe(liveBefore);
    // The watcher gates the restart, sees it die, and brings the previous release back;
    // the core-back that comes back records it on the deploy row.
    const rowOf = async (): Promise<Deploy | null> => {
      try {
        const response = await fetch(`${platform.coreBackUrl}/deploy/${String(answer.deployId)}`, {
          headers: { cookie },
        });
        return response.status === 200 ? ((await response.json()) as Deploy) : null;
      } catch {
        return null; // core-back is restarting
      }
    };
    await expect.poll(async () => (await rowOf())?.status, { timeout: 90_000, interval: 500 }).toBe("rolled_back");
    const row = (await rowOf())!;
    expect(row).toMatchObject({ status: "rolled_back", phase: "health", release: liveBefore });
    expect(await health(platform.coreBackUrl)).toBe(liveBefore);
    expect(String(row.errorSummary)).toContain("core-back boom on its own port");
    // The skill's exact curl still gets an answer: the fix deploys.
    const fixed = await skillCurl("build-unrestricted");
    expect(fixed).toMatchObject({ ok: true, status: "ok", selfRestart: true });
    await expect.poll(() => health(platform.coreBackUrl), { timeout: 60_000, interval: 250 }).toBe(fixed.release);
  });
});
