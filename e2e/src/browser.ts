import { accessSync, constants } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { artifactsDir } from "./paths.js";

/** Where Debian's `chromium` package puts the browser. */
const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/**
 * Flags for a quiet headless Chromium: no GPU, no sandbox (the suites run as root in
 * containers), and none of the background traffic a fresh profile starts (updates,
 * sync, QUIC probes), so a test reaches loopback and nothing else.
 */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * The Chromium binary the suites drive: `$CHROMIUM_BIN` when set, else Debian's
 * `/usr/bin/chromium`. Throws, saying what to install, when it is not there.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CHROMIUM_BIN?.trim();
  const path = fromEnv || DEFAULT_CHROMIUM;
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    throw new Error(
      fromEnv
        ? `CHROMIUM_BIN=${fromEnv} is not an executable file: point it at a chromium binary, or unset it to use ${DEFAULT_CHROMIUM}`
        : `Chromium is missing (${DEFAULT_CHROMIUM} not found): run 'bash scripts/ensure/30-chromium.sh test' as root ` +
          `(it installs Debian's chromium: apt-get install -y --no-install-recommends chromium), or set CHROMIUM_BIN`,
    );
  }
}

/** Launches the machine's Chromium headless through playwright-core. Close it when done. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
}

/** What went wrong on a page while it was watched, one readable line per problem. */
export interface PageProblems {
  /** `console.error` messages (including Chromium's own "Failed to load resource"). */
  readonly consoleErrors: string[];
  /** Uncaught exceptions in the page's scripts. */
  readonly pageErrors: string[];
  /** Requests that failed at the network level (other than aborted by leaving the page) or were answered with a status >= 400. */
  readonly failedRequests: string[];
  /** Every problem above, in one list: `expect(problems.all()).toEqual([])`. */
  all(): string[];
}

/**
 * Starts recording a page's console errors, uncaught errors and failed requests, so a
 * test can assert that a user saw none.
 */
export function recordProblems(page: Page): PageProblems {
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const failedRequests: string[] = [];
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const { url, lineNumber } = message.location();
    consoleErrors.push(url ? `${message.text()} (${url}:${lineNumber})` : message.text());
  });
  page.on("pageerror", (error) => pageErrors.push(error.stack ?? error.message));
  page.on("requestfailed", (request) => {
    const reason = request.failure()?.errorText ?? "failed";
    // Leaving a page aborts its open streams (a followed log, an event source) and any
    // navigation a newer one replaced: that is the browser's normal work, not a failure.
    if (reason === "net::ERR_ABORTED") return;
    failedRequests.push(`${request.method()} ${request.url()}: ${reason}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) {
      failedRequests.push(`${response.request().method()} ${response.url()}: HTTP ${response.status()}`);
    }
  });
  return {
    consoleErrors,
    pageErrors,
    failedRequests,
    all: () => [
      ...consoleErrors.map((line) => `console error: ${line}`),
      ...pageErrors.map((line) => `page error: ${line}`),
      ...failedRequests.map((line) => `failed request: ${line}`),
    ],
  };
}

/**
 * Saves a full-page PNG of `page` as `test-artifacts/e2e/<name>.png` under the repository
 * root and returns its path.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = `${name.replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, "") || "page"}.png`;
  await mkdir(artifactsDir, { recursive: true });
  const path = join(artifactsDir, file);
  await page.screenshot({ path, fullPage: true });
  return path;
}
