import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BRAND } from "../src/views/brand.js";
import {
  Browser,
  freePort,
  startConsole,
  startCoreBack,
  StreamedText,
  type ConsoleServer,
  type CoreBack,
} from "./harness.js";

const ADMIN = { email: "ops@example.test", password: "ops-password" };
const USER = { email: "dev@example.test", password: "dev-password" };

let coreBack: CoreBack;
let consoleServer: ConsoleServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "console-deploys-"));
  coreBack = await startCoreBack();
  await coreBack.createUser(ADMIN.email, ADMIN.password, "admin");
  await coreBack.createUser(USER.email, USER.password, "user");
  consoleServer = await startConsole(coreBack.url, join(dir, "registry.jsonl"));
});

afterAll(async () => {
  await consoleServer?.close();
  await coreBack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function deployIdOf(location: string | null): string {
  const match = /^\/deploys\/([0-9a-f-]{36})/.exec(location ?? "");
  expect(match, `a deploy page location: ${location}`).not.toBeNull();
  return match![1]!;
}

async function waitForStatus(browser: Browser, id: string, status: RegExp): Promise<string> {
  for (let i = 0; i < 200; i += 1) {
    const page = await browser.get(`/deploys/${id}`);
    if (status.test(page.text)) return page.text;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`deploy ${id} never reached ${status}`);
}

describe("signing in", () => {
  it("answers its health without a session", async () => {
    const response = await fetch(`${consoleServer.url}/health`);
    expect(response.status).toBe(200);
    // Outside a release (a test's own build) it runs none.
    expect(await response.json()).toEqual({ ok: true, release: null });
  });

  it("sends a visitor without a session to the sign-in page, which names the brand", async () => {
    const browser = new Browser(consoleServer.url);
    const home = await browser.get("/");
    expect(home.status).toBe(303);
    expect(home.location).toBe("/sign-in");
    const signIn = await browser.get("/sign-in");
    expect(signIn.text).toContain(`<title>Sign in · ${BRAND}</title>`);
    expect(signIn.text).toMatch(new RegExp(`<header[^>]*>\\s*<a class="brand" href="/">${BRAND}</a>`));
    expect(signIn.text).toContain('<label for="password">');
  });

  it("signs in with the right password and shows who is signed in", async () => {
    const browser = new Browser(consoleServer.url);
    const answer = await browser.post("/sign-in", ADMIN);
    expect(answer.status).toBe(303);
    expect(answer.location).toBe("/");
    expect(answer.headers.getSetCookie().join()).toMatch(/better-auth\.session_token=.+HttpOnly/i);
    const home = await browser.get("/");
    expect(home.status).toBe(200);
    expect(home.text).toContain(`${ADMIN.email} (admin)`);
  });

  it("says the credentials are wrong, keeping the email, and sets no cookie", async () => {
    const browser = new Browser(consoleServer.url);
    const page = await browser.post("/sign-in", { email: ADMIN.email, password: "not-the-password" });
    expect(page.status).toBe(401);
    expect(page.text).toMatch(/role="alert">Wrong email or password/);
    expect(page.text).toContain(`value="${ADMIN.email}"`);
    expect(page.headers.getSetCookie()).toEqual([]);
    expect((await browser.get("/")).status).toBe(303);
  });

  it("answers an incomplete form with a 400 page", async () => {
    const page = await new Browser(consoleServer.url).post("/sign-in", { email: ADMIN.email });
    expect(page.status).toBe(400);
    expect(page.text).toMatch(/role="alert">the form is not valid \(password/);
  });

  it("returns to the page asked for after signing in", async () => {
    const browser = new Browser(consoleServer.url);
    const redirected = await browser.get("/containers");
    expect(redirected.location).toBe("/sign-in?next=%2Fcontainers");
    const answer = await browser.post("/sign-in", { ...ADMIN, next: "/containers" });
    expect(answer.location).toBe("/containers");
  });

  it("never sends a visitor to another site after signing in", async () => {
    for (const next of ["/\t/evil.test", "//evil.test", "/\\evil.test", "https://evil.test"]) {
      const answer = await new Browser(consoleServer.url).post("/sign-in", { ...ADMIN, next });
      expect(answer.status).toBe(303);
      expect(answer.location, `after next=${JSON.stringify(next)}`).toBe("/");
    }
  });

  it("signs out: the session is gone at core-back too", async () => {
    const browser = new Browser(consoleServer.url);
    await browser.signIn(ADMIN.email, ADMIN.password);
    const cookie = browser.cookieHeader;
    const page = await browser.submit("/sign-out");
    expect(page.text).toMatch(/role="status">You are signed out/);
    expect((await browser.get("/")).status).toBe(303);
    const session = await fetch(`${coreBack.url}/api/auth/get-session`, { headers: { cookie } });
    expect(await session.json()).toBeNull();
  });

  it("refuses a form posted from another site", async () => {
    const browser = new Browser(consoleServer.url);
    await browser.signIn(ADMIN.email, ADMIN.password);
    const response = await browser.request("/deploys", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://evil.test" },
      body: "scope=auto",
    });
    expect(response.status).toBe(403);
  });
});

describe("deploys", () => {
  let admin: Browser;
  let user: Browser;
  beforeAll(async () => {
    admin = new Browser(consoleServer.url);
    await admin.signIn(ADMIN.email, ADMIN.password);
    user = new Browser(consoleServer.url);
    await user.signIn(USER.email, USER.password);
  });

  it("starts a deploy from the form, shows its page, then lists it once it is done", async () => {
    coreBack.setBuildDelay(0);
    const answer = await admin.post("/deploys", { scope: "auto" });
    expect(answer.status).toBe(303);
    const id = deployIdOf(answer.location);
    const started = await admin.get(answer.location!);
    expect(started.text).toMatch(/role="status">(The deploy was queued|A deploy was already waiting)/);
    const done = await waitForStatus(admin, id, /badge-ok/);
    expect(done).toContain("build done");
    expect(done).not.toContain("Cancel deploy");
    const list = await admin.get("/");
    expect(list.text).toContain(`href="/deploys/${id}"`);
    expect(list.text).toContain(ADMIN.email);
    expect(list.text).toContain(`<title>Deploys · ${BRAND}</title>`);
  });

  it("streams a running deploy's log as it grows, from the byte asked for", async () => {
    coreBack.holdBuilds();
    try {
      const id = deployIdOf((await admin.post("/deploys", { scope: "platform" })).location);
      // Held, the build has printed its first line and the log cannot grow until it is released.
      const page = await waitForStatus(admin, id, /build held/);
      expect(page).toContain("badge-building");
      const log = await (await admin.request(`/deploys/${id}/log`)).text();
      expect(page).toContain(`log/follow?from=${Buffer.byteLength(log)}`);
      const from = Buffer.byteLength(log.slice(0, log.indexOf("build held")));

      const response = await admin.request(`/deploys/${id}/log/follow?from=${from}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      const stream = new StreamedText(response);
      try {
        const first = await stream.until((text) => text.includes("build held"));
        expect(first).toMatch(/^build held\n/);
        expect(first).not.toContain("build released");
        expect((await admin.get(`/deploys/${id}`)).text).toContain("badge-building");

        coreBack.releaseBuilds();
        const streamed = await stream.until((text) => text.includes(`deploy ${id} ended`));
        expect(streamed).toMatch(/^build held\nbuild released\n/);
        expect(streamed).toContain(`deploy ${id} ended: ok`);
      } finally {
        await stream.close();
      }
    } finally {
      coreBack.releaseBuilds();
    }
  });

  it("cancels a running deploy", async () => {
    coreBack.setBuildDelay(30_000);
    const id = deployIdOf((await admin.post("/deploys", { scope: "auto" })).location);
    const running = await waitForStatus(admin, id, /badge-building|badge-ok|badge-error/);
    expect(running).toContain("badge-building");
    const page = await admin.submit(`/deploys/${id}/cancel`);
    expect(page.text).toMatch(/role="status">The deploy was cancelled/);
    expect(page.text).toContain("badge-cancelled");
    coreBack.setBuildDelay(0);
  });

  it("shows the deploy mode and its form to admins only", async () => {
    const forAdmin = await admin.get("/");
    expect(forAdmin.text).toContain("Deploy mode");
    expect(forAdmin.text).toContain('action="/mode"');
    const forUser = await user.get("/");
    expect(forUser.status).toBe(200);
    expect(forUser.text).not.toContain('action="/mode"');
    expect(forUser.text).toContain(`${USER.email}</span>`);
  });

  it("lets an admin change the mode, and tells anyone else they may not", async () => {
    const changed = await admin.submit("/mode", { mode: "unrestricted" });
    expect(changed.text).toMatch(/role="status">The deploy mode was changed/);
    expect(changed.text).toMatch(/<strong class="mode">unrestricted<\/strong>/);
    await admin.submit("/mode", { mode: "restricted" });
    const refused = await user.post("/mode", { mode: "unrestricted" });
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/role="alert">only an admin may do this/);
  });

  it("shows core-back's own message when it refuses a deploy", async () => {
    const refused = await admin.post("/deploys", { scope: "all" });
    expect(refused.status).toBe(403);
    expect(refused.text).toMatch(/role="alert">scope &quot;all&quot; needs unrestricted mode/);
    expect(refused.text).toContain(BRAND);
  });

  it("answers an unknown deploy with a 404 page and a bad form or cursor with a 400 page", async () => {
    const missing = await admin.get("/deploys/no-such-deploy");
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('role="alert"');
    expect(missing.text).toContain(BRAND);
    expect((await admin.post("/deploys", { scope: "everything" })).status).toBe(400);
    expect((await admin.get("/?cursor=abc")).status).toBe(400);
    expect((await admin.get("/no/such/page")).status).toBe(404);
  });

  it("pages through the deploys with the next-page link", async () => {
    const list = await admin.get("/");
    expect(list.text).not.toContain('rel="next"');
    expect(list.text.match(/href="\/deploys\//g)?.length).toBeGreaterThanOrEqual(3);
  });

  it("serves its script, stylesheet and icon", async () => {
    for (const path of ["/assets/console.js", "/assets/console.css"]) {
      const response = await fetch(`${consoleServer.url}${path}`);
      expect(response.status).toBe(200);
      expect((await response.text()).length).toBeGreaterThan(100);
    }
    expect((await fetch(`${consoleServer.url}/favicon.ico`)).status).toBe(204);
    expect((await fetch(`${consoleServer.url}/assets/nope.js`)).status).toBe(404);
  });
});

describe("when core-back does not answer", () => {
  it("shows a 502 page naming core-back's URL", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const lonely = await startConsole(dead, join(dir, "registry.jsonl"));
    try {
      const browser = new Browser(lonely.url);
      const signIn = await browser.post("/sign-in", ADMIN);
      expect(signIn.status).toBe(502);
      expect(signIn.text).toContain(`core-back at ${dead} is not answering`);
      const home = await browser.request("/", { headers: { cookie: "better-auth.session_token=x" } });
      expect(home.status).toBe(502);
      expect(await home.text()).toMatch(/role="alert">core-back at .* is not answering/);
    } finally {
      await lonely.close();
    }
  });
});
