import { existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findChromium, launchBrowser, recordProblems, screenshot } from "../src/browser.js";

const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>e2e smoke</title><link rel="icon" href="data:,"></head>
  <body>
    <h1>Hello from loopback</h1>
    <p id="status">loading</p>
    <script>document.getElementById("status").textContent = "ready";</script>
  </body>
</html>`;

function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    if (request.url === "/") {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
    } else if (request.url === "/broken") {
      response
        .writeHead(200, { "content-type": "text/html; charset=utf-8" })
        .end(`<!doctype html><h1>broken</h1><script>console.error("boom"); missing();</script><img src="/nope.png">`);
    } else {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    });
  });
}

describe("the machine's Chromium, driven by playwright-core", () => {
  let browser: Browser;
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    ({ server, url: baseUrl } = await serve());
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it("opens a local page, shows its heading without any error, and screenshots it", async () => {
    const page = await browser.newPage();
    const problems = recordProblems(page);
    await page.goto(`${baseUrl}/`);

    await expect(page.locator("h1").textContent()).resolves.toBe("Hello from loopback");
    await expect(page.locator("#status").textContent()).resolves.toBe("ready");
    expect(problems.all()).toEqual([]);

    const path = await screenshot(page, "browser smoke");
    expect(path).toMatch(/test-artifacts\/e2e\/browser-smoke\.png$/);
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).size).toBeGreaterThan(1000);
    await page.close();
  });

  it("reports console errors, uncaught errors and failed requests on a broken page", async () => {
    const page = await browser.newPage();
    const problems = recordProblems(page);
    await page.goto(`${baseUrl}/broken`);
    await page.waitForLoadState("load");

    expect(problems.consoleErrors.some((line) => line.includes("boom"))).toBe(true);
    expect(problems.pageErrors.some((line) => line.includes("missing"))).toBe(true);
    expect(problems.failedRequests.some((line) => line.includes("/nope.png: HTTP 404"))).toBe(true);
    await page.close();
  });
});

describe("finding Chromium", () => {
  it("says what to install when CHROMIUM_BIN names no executable", () => {
    expect(() => findChromium({ CHROMIUM_BIN: "/nonexistent/chromium" })).toThrow(
      /CHROMIUM_BIN=\/nonexistent\/chromium is not an executable file/,
    );
  });

  it("finds the machine's Chromium (install it with scripts/ensure/30-chromium.sh)", () => {
    expect(() => findChromium()).not.toThrow();
  });
});
