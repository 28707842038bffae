import { existsSync, mkdtempSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readReleaseId } from "@app-building/types";
import { describe, expect, it } from "vitest";
import { ReleaseNotPromotableError } from "../../errors.js";
import { ReleaseStore } from "./store.js";

function store(keep = 2): ReleaseStore {
  return new ReleaseStore({ dir: mkdtempSync(join(tmpdir(), "releases-")), keep });
}

/** A release whose build passed, with one file of its own. */
function built(releases: ReleaseStore, at: Date, state: "built" | "good" = "good"): string {
  const { id } = releases.create(null, at);
  writeFileSync(join(releases.pathOf(id), "output.js"), "x".repeat(10_000));
  releases.update(id, { state });
  return id;
}

describe("ReleaseStore", () => {
  it("has no live release until one is switched to, and then names it through the current link", () => {
    const releases = store();
    expect(releases.currentId()).toBeNull();
    const id = built(releases, new Date("2026-01-01T00:00:00Z"));
    releases.switchTo(id);
    expect(releases.currentId()).toBe(id);
    expect(readlinkSync(releases.currentPath)).toBe(id);
    expect(readReleaseId(releases.currentPath)).toBe(id);
  });

  it("never makes a release live that is still building or failed", () => {
    const releases = store();
    const good = built(releases, new Date("2026-01-01T00:00:00Z"));
    releases.switchTo(good);
    const building = releases.create("d-building").id;
    expect(() => releases.switchTo(building)).toThrow(ReleaseNotPromotableError);
    const failed = built(releases, new Date("2026-01-02T00:00:00Z"));
    releases.update(failed, { state: "failed" });
    expect(() => releases.switchTo(failed)).toThrow(/failed/);
    expect(releases.currentId()).toBe(good);
  });

  it("switches by renaming a new link over the old one, so the pointer is never missing", () => {
    const releases = store();
    const first = built(releases, new Date("2026-01-01T00:00:00Z"));
    const second = built(releases, new Date("2026-01-02T00:00:00Z"));
    releases.switchTo(first);
    const before = readlinkSync(releases.currentPath);
    releases.switchTo(second);
    expect([before, readlinkSync(releases.currentPath)]).toEqual([first, second]);
    // No temporary link is left beside it.
    expect(releases.prune()).toEqual([]);
  });

  it("lists newest first with the live one marked and its disk use", () => {
    const releases = store();
    const older = built(releases, new Date("2026-01-01T00:00:00Z"));
    const newer = built(releases, new Date("2026-01-02T00:00:00Z"));
    releases.switchTo(older);
    releases.update(newer, { sizeBytes: releases.measure(newer) });
    const list = releases.list();
    expect(list.map((release) => [release.id, release.live])).toEqual([
      [newer, false],
      [older, true],
    ]);
    expect(list[0]?.sizeBytes).toBeGreaterThanOrEqual(10_000);
  });

  it("prunes failed and surplus releases, keeping the live one, the newest good ones and any still building", () => {
    const releases = store(1);
    const a = built(releases, new Date("2026-01-01T00:00:00Z"));
    const b = built(releases, new Date("2026-01-02T00:00:00Z"));
    const c = built(releases, new Date("2026-01-03T00:00:00Z"));
    const failed = built(releases, new Date("2026-01-04T00:00:00Z"));
    releases.update(failed, { state: "failed" });
    const building = releases.create(null, new Date("2026-01-05T00:00:00Z")).id;
    releases.switchTo(a);
    expect(releases.prune().sort()).toEqual([b, failed].sort());
    expect([a, c, building].every((id) => existsSync(releases.pathOf(id)))).toBe(true);
    expect(releases.lastGood(a)?.id).toBe(c);
  });

  it("ignores directories that are not releases and manifests that lie about their id", () => {
    const releases = store();
    const id = built(releases, new Date("2026-01-01T00:00:00Z"));
    writeFileSync(join(releases.pathOf(id), "release.json"), JSON.stringify({ id: "other" }));
    expect(releases.get(id)).toBeUndefined();
    expect(releases.list()).toEqual([]);
  });

  it("finds a known-good release built from the same sources and filters, the live one first, never a failed one", () => {
    const releases = store();
    const key = { digest: "d1", filters: ["@app-building/console...", "@app-building/core-back..."] };
    const older = built(releases, new Date("2026-01-01T00:00:00Z"));
    const live = built(releases, new Date("2026-01-02T00:00:00Z"));
    const failed = built(releases, new Date("2026-01-03T00:00:00Z"));
    for (const id of [older, live, failed]) releases.recordBuildKey(id, key);
    releases.update(failed, { state: "failed" });
    releases.switchTo(live);
    // Filters in another order are the same build.
    expect(releases.findReusable({ digest: "d1", filters: [...key.filters].reverse() })?.id).toBe(live);
    releases.switchTo(older);
    expect(releases.findReusable(key)?.id).toBe(older);
    expect(releases.findReusable({ ...key, digest: "d2" })).toBeUndefined();
    expect(releases.findReusable({ ...key, filters: ["@app-building/*"] })).toBeUndefined();
    releases.update(older, { state: "failed" });
    releases.update(live, { state: "built" });
    expect(releases.findReusable(key)).toBeUndefined();
  });

  it("rolls a promotion back to the live release, or, when the live one is promoted again, to the newest other good one", () => {
    const releases = store();
    const a = built(releases, new Date("2026-01-01T00:00:00Z"));
    const b = built(releases, new Date("2026-01-02T00:00:00Z"));
    const c = built(releases, new Date("2026-01-03T00:00:00Z"), "built");
    releases.switchTo(b);
    expect(releases.rollbackTarget(c)).toBe(b);
    expect(releases.rollbackTarget(b)).toBe(a);
    releases.switchTo(a);
    expect(releases.rollbackTarget(a)).toBe(b);
  });
});
