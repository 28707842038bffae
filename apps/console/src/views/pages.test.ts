import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { ConsoleDeploy, SessionUser } from "../core-back.js";
import { BRAND } from "./brand.js";
import { containerDetailPage, containerListPage, statusWarnings } from "./containers.js";
import { deployDetailPage, deployListPage } from "./deploys.js";
import { errorPage } from "./errors.js";
import { formatDuration } from "./format.js";
import { signInPage } from "./sign-in.js";

const admin: SessionUser = { id: "u1", email: "ops@example.test", name: "Ops", admin: true };
const user: SessionUser = { ...admin, email: "dev@example.test", admin: false };

function deploy(overrides: Partial<ConsoleDeploy> = {}): ConsoleDeploy {
  return {
    id: "0d6f3c0e-1111-4222-8333-444455556666",
    status: "ok",
    scope: "platform",
    requestedBy: "ops@example.test",
    sessionId: "<session>",
    createdAt: "2026-01-02T03:04:05.000Z",
    startedAt: "2026-01-02T03:04:06.000Z",
    endedAt: "2026-01-02T03:04:16.000Z",
    durationMs: 10_500,
    exitCode: 0,
    errorSummary: null,
    phase: "done",
    ...overrides,
  };
}

const status = {
  state: "idle" as const,
  containerName: "c1",
  agent: "command" as const,
  sessionId: null,
  pushBranch: null,
  revision: null,
  queueLength: 0,
  pendingTasks: 0,
  tasksProcessed: 0,
  iteration: 0,
  totalCostUsd: 0,
  detachRequested: false,
  currentMessageId: null,
  pendingPush: true,
  problems: ["ANTHROPIC_API_KEY is not set: set it"],
  startedAt: "2026-01-02T03:04:05.000Z",
  lastActivityAt: "2026-01-02T03:04:05.000Z",
};
const container = {
  name: "c1",
  driver: "process",
  baseUrl: "http://127.0.0.1:9",
  startedAt: "2026-01-02T03:04:05.000Z",
  stoppedAt: null,
};

const pages: Record<string, string> = {
  "sign-in": signInPage({}),
  "deploy list": deployListPage({ user: admin, deploys: { items: [deploy()], nextCursor: "12" }, mode: "restricted" }),
  "deploy detail": deployDetailPage({ user: admin, deploy: deploy(), log: "log", logBytes: 3 }),
  containers: containerListPage({
    user: admin,
    registryPath: "/r.jsonl",
    containers: [{ container, probe: { ok: false, reason: "gone" } }],
  }),
  "container detail": containerDetailPage({ user: admin, container, probe: { ok: true, status }, eventsFrom: 5 }),
  error: errorPage(404, "nothing here", null),
};

describe("every page", () => {
  it.each(Object.entries(pages))("%s names the brand in its title and its header", (_name, page) => {
    expect(page).toMatch(new RegExp(`<title>[^<]*${BRAND}</title>`));
    expect(page).toContain(`<a class="brand" href="/">${BRAND}</a>`);
    expect(page).toMatch(/<header[^>]*>/);
    expect(page).toMatch(/<main[^>]*>/);
  });

  it.each(Object.entries(pages))("%s labels every input, select and textarea", (_name, page) => {
    for (const match of page.matchAll(/<(input|select|textarea)\b([^>]*)>/g)) {
      const attrs = match[2]!;
      if (/type="hidden"/.test(attrs)) continue;
      const id = /id="([^"]+)"/.exec(attrs)?.[1];
      expect(id, `${match[0]} has an id`).toBeDefined();
      expect(page).toContain(`<label for="${id}">`);
    }
  });

  it.each(Object.entries(pages))("%s has no inline script or handler", (_name, page) => {
    expect(page).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*src=)[^>]*>|\son[a-z]+="/);
  });
});

describe("brand.ts", () => {
  it("is the single line the end-to-end tests rewrite", () => {
    const text = readFileSync(new URL("./brand.ts", import.meta.url), "utf8");
    expect(text).toBe(`export const BRAND = "${BRAND}";\n`);
  });
});

describe("the deploy list", () => {
  it("escapes what core-back sent and links the next page", () => {
    const page = pages["deploy list"]!;
    expect(page).toContain("&lt;session&gt;");
    expect(page).toContain('href="/?cursor=12"');
    expect(page).toContain('href="/deploys/0d6f3c0e-1111-4222-8333-444455556666"');
    expect(page).toContain("10.5 s");
  });

  it("names who asked: the user, or the agent for a self-deploy", () => {
    const items = [deploy({ id: "a" }), deploy({ id: "b", requestedBy: null })];
    const page = deployListPage({ user, deploys: { items, nextCursor: null }, mode: null });
    expect(page).toContain("<td>ops@example.test</td>");
    expect(page).toContain("<td>agent (self-deploy)</td>");
  });

  it("shows the mode form to admins only", () => {
    expect(pages["deploy list"]).toContain('action="/mode"');
    const forUser = deployListPage({ user, deploys: { items: [], nextCursor: null }, mode: null });
    expect(forUser).not.toContain('action="/mode"');
    expect(forUser).toContain("No deploys yet.");
  });
});

describe("releases on the deploy pages", () => {
  const releases = {
    live: "20260102T030405000-aaaaaa",
    items: [
      {
        id: "20260102T030405000-aaaaaa",
        deployId: null,
        createdAt: "2026-01-02T03:04:05.000Z",
        state: "good" as const,
        sizeBytes: 7_000_000,
        live: true,
      },
      {
        id: "20260101T030405000-bbbbbb",
        deployId: "d-older",
        createdAt: "2026-01-01T03:04:05.000Z",
        state: "good" as const,
        sizeBytes: 6_000,
        live: false,
      },
      {
        id: "20260101T010405000-cccccc",
        deployId: "d-failed",
        createdAt: "2026-01-01T01:04:05.000Z",
        state: "failed" as const,
        sizeBytes: null,
        live: false,
      },
    ],
  };
  const deploys = {
    items: [deploy({ status: "rolled_back", phase: "health", release: "20260102T030405000-aaaaaa" })],
    nextCursor: null,
  };

  it("list the releases, mark the live one, and offer admins a rollback to good ones only", () => {
    const forAdmin = deployListPage({ user: admin, deploys, mode: "restricted", releases });
    expect(forAdmin).toMatch(/20260102T030405000-aaaaaa <strong class="badge badge-ok">live<\/strong>/);
    expect(forAdmin).toContain("first release (npm start)");
    expect(forAdmin.match(/Roll back to this release/g)).toHaveLength(1);
    expect(forAdmin).toContain('value="20260101T030405000-bbbbbb"');
    expect(forAdmin).toContain("6.7 MB");
    const forUser = deployListPage({ user, deploys, mode: null, releases });
    expect(forUser).not.toContain("Roll back to this release");
  });

  it("show a rolled-back deploy's phase and the release live after it", () => {
    const list = deployListPage({ user, deploys, mode: null, releases: null });
    expect(list).toContain("rolled back");
    expect(list).toContain("<td>health</td>");
    const detail = deployDetailPage({
      user,
      deploy: deploy({ status: "rolled_back", phase: "health", release: "r-good", builtRelease: "r-bad" }),
      log: "",
      logBytes: 0,
    });
    expect(detail).toContain("the new release failed its health check and the last good one is live again");
    expect(detail).toMatch(/Built release<\/dt>\s*<dd>r-bad/);
    expect(detail).toMatch(/Live release after<\/dt>\s*<dd>r-good/);
  });
});

describe("the deploy detail", () => {
  it("follows and offers cancel while the deploy is live, not after", () => {
    const live = deployDetailPage({ user, deploy: deploy({ status: "building" }), log: "a<b", logBytes: 3 });
    expect(live).toContain('data-follow-url="/deploys/0d6f3c0e-1111-4222-8333-444455556666/log/follow?from=3"');
    expect(live).toContain("Cancel deploy");
    expect(live).toContain("a&lt;b");
    expect(live).toMatch(/<pre[^>]*role="log"[^>]*aria-live="polite"/);
    const done = pages["deploy detail"]!;
    expect(done).not.toContain("data-follow-url");
    expect(done).not.toContain("Cancel deploy");
  });
});

describe("the container pages", () => {
  it("never show a token and say when a container does not answer", () => {
    expect(pages.containers).toContain("not answering");
    expect(pages.containers).not.toMatch(/token/i);
  });

  it("list what the status reports as needing attention", () => {
    expect(statusWarnings(status)).toEqual([
      "ANTHROPIC_API_KEY is not set: set it",
      expect.stringMatching(/waiting to be pushed/),
      expect.stringMatching(/no push branch/),
    ]);
    expect(pages["container detail"]).toContain("<li>ANTHROPIC_API_KEY is not set: set it</li>");
    expect(pages["container detail"]).toContain('data-events-url="/containers/c1/events?offset=5"');
    expect(pages["container detail"]).toMatch(/<ol[^>]*role="log"[^>]*aria-live="polite"/);
  });
});

describe("formatDuration", () => {
  it("reads like a person would say it", () => {
    expect([formatDuration(null), formatDuration(850), formatDuration(12_340), formatDuration(245_000)]).toEqual([
      "—",
      "850 ms",
      "12.3 s",
      "4 min 05 s",
    ]);
  });
});
