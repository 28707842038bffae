import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BRAND } from "../src/views/brand.js";
import { Browser, REPO_ROOT, startCoreBack, type CoreBack } from "./harness.js";

const MAIN = join(REPO_ROOT, "apps", "console", "dist", "main.js");

let coreBack: CoreBack;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "console-main-"));
  coreBack = await startCoreBack();
  await coreBack.createUser("ops@example.test", "ops-password", "admin");
});
afterAll(async () => {
  await coreBack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("node dist/main.js", () => {
  it("prints one ready line with its port, serves pages, and stops within a second on SIGTERM", async () => {
    const started = Date.now();
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        PORT: "0",
        CORE_BACK_URL: coreBack.url,
        APP_BUILDING_REGISTRY: join(dir, "registry.jsonl"),
        LOG_LEVEL: "silent",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines = createInterface({ input: child.stdout });
    const [first] = (await once(lines, "line")) as [string];
    const ready = JSON.parse(first) as { ready: boolean; port: number };
    expect(ready).toEqual({ ready: true, port: expect.any(Number) });
    expect(Date.now() - started).toBeLessThan(5_000);
    const url = `http://127.0.0.1:${ready.port}`;

    const browser = new Browser(url);
    const home = await browser.signIn("ops@example.test", "ops-password");
    expect(home.status).toBe(200);
    expect(home.text).toContain(`<a class="brand" href="/">${BRAND}</a>`);

    // A live view held open does not keep it from stopping.
    coreBack.setBuildDelay(30_000);
    const deploy = await browser.post("/deploys", { scope: "auto" });
    const follow = await browser.request(`${deploy.location!.replace(/\?.*/, "")}/log/follow`);
    expect(follow.status).toBe(200);
    const stopAsked = Date.now();
    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
    expect(Date.now() - stopAsked).toBeLessThan(1_000);
    await follow.body?.cancel().catch(() => undefined);
  });
});
