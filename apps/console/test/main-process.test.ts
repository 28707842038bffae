import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BRAND } from "../src/views/brand.js";
import { Browser, REPO_ROOT, startCoreBack, type CoreBack } from "./harness.js";

const MAIN = join(REPO_ROOT, "apps", "console", "dist", "main.js");

let coreBack: CoreBack;
let dir: string;
let child: ChildProcess | undefined;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "console-main-"));
  coreBack = await startCoreBack();
  await coreBack.createUser("ops@example.test", "ops-password", "admin");
});
afterEach(() => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
});
afterAll(async () => {
  await coreBack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** How the child ended; fails if it has not within `withinMs` (a bound on a hang, not a timing). */
async function exitOf(
  running: ChildProcess,
  withinMs: number,
): Promise<{ code: number | null; signal: string | null }> {
  if (running.exitCode !== null || running.signalCode !== null) {
    return { code: running.exitCode, signal: running.signalCode };
  }
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the console did not exit within ${withinMs} ms`)), withinMs);
  });
  try {
    const [code, signal] = (await Promise.race([once(running, "exit"), hung])) as [number | null, string | null];
    return { code, signal };
  } finally {
    clearTimeout(timer);
  }
}

describe("node dist/main.js", () => {
  it("prints one ready line with its port, serves pages, and exits 0 on SIGTERM with a live log open", async () => {
    const main = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        PORT: "0",
        CORE_BACK_URL: coreBack.url,
        APP_BUILDING_REGISTRY: join(dir, "registry.jsonl"),
        LOG_LEVEL: "silent",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = main;
    const lines = createInterface({ input: main.stdout });
    const [first] = (await once(lines, "line")) as [string];
    const ready = JSON.parse(first) as { ready: boolean; port: number };
    expect(ready).toEqual({ ready: true, port: expect.any(Number) });
    const url = `http://127.0.0.1:${ready.port}`;

    const browser = new Browser(url);
    const home = await browser.signIn("ops@example.test", "ops-password");
    expect(home.status).toBe(200);
    expect(home.text).toContain(`<a class="brand" href="/">${BRAND}</a>`);

    // A live view held open (it never ends by itself) does not keep it from stopping.
    coreBack.setBuildDelay(30_000);
    const deploy = await browser.post("/deploys", { scope: "auto" });
    const follow = await browser.request(`${deploy.location!.replace(/\?.*/, "")}/log/follow`);
    expect(follow.status).toBe(200);
    main.kill("SIGTERM");
    expect(await exitOf(main, 15_000)).toEqual({ code: 0, signal: null });
    await follow.body?.cancel().catch(() => undefined);
  });
});
