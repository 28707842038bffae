import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BuildScopesError,
  loadBuildScopes,
  parseBuildScopes,
  resolveScope,
  turboFilterArgs,
  unmatchedFilters,
} from "./build-scopes.js";

const definition = {
  scopes: {
    platform: { description: "apps", filters: ["@app-building/core-back..."], restart: ["core-back"] },
    all: { description: "everything", filters: ["./apps/*", "./packages/*"], restart: ["core-back"] },
  },
  services: { "core-back": { healthPath: "/health", smokePaths: [], startTimeoutMs: 5000, settleMs: 1000 } },
};

const packages = [
  { name: "@app-building/core-back", path: "apps/core-back" },
  { name: "@app-building/types", path: "packages/types" },
];

describe("parseBuildScopes", () => {
  it("accepts a complete definition", () => {
    expect(parseBuildScopes(definition).scopes.platform.restart).toEqual(["core-back"]);
  });

  it("names the field that is wrong", () => {
    const broken = { scopes: { ...definition.scopes, all: { description: "x", filters: [], restart: [] } } };
    expect(() => parseBuildScopes(broken)).toThrow(/scopes\.all\.filters/);
  });

  it("rejects unknown scopes and unknown fields", () => {
    expect(() => parseBuildScopes({ scopes: { ...definition.scopes, extra: definition.scopes.all } })).toThrow(
      BuildScopesError,
    );
    expect(() =>
      parseBuildScopes({ scopes: { ...definition.scopes, platform: { ...definition.scopes.platform, x: 1 } } }),
    ).toThrow(/platform/);
  });

  it("refuses a restarted service that does not say how it is checked", () => {
    expect(() => parseBuildScopes({ ...definition, services: {} })).toThrow(/"core-back" has no entry in services/);
    expect(parseBuildScopes(definition).services["core-back"]?.settleMs).toBe(1000);
  });

  it("rejects service names a supervisord config could not hold", () => {
    const bad = { scopes: { ...definition.scopes, platform: { ...definition.scopes.platform, restart: ["a b"] } } };
    expect(() => parseBuildScopes(bad)).toThrow(/restart/);
  });
});

describe("loadBuildScopes", () => {
  it("says which file is missing or not JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "scopes-"));
    expect(() => loadBuildScopes(join(dir, "nope.json"))).toThrow(/cannot read .*nope\.json/);
    writeFileSync(join(dir, "bad.json"), "{");
    expect(() => loadBuildScopes(join(dir, "bad.json"))).toThrow(/bad\.json is not valid JSON/);
    writeFileSync(join(dir, "ok.json"), JSON.stringify(definition));
    expect(loadBuildScopes(join(dir, "ok.json")).scopes.all.filters).toHaveLength(2);
  });
});

describe("resolveScope", () => {
  it("resolves auto to the widest scope the mode allows", () => {
    expect(resolveScope("auto", "restricted")).toEqual({ ok: true, scope: "platform" });
    expect(resolveScope("auto", "unrestricted")).toEqual({ ok: true, scope: "all" });
  });

  it("refuses all in restricted mode and allows it in unrestricted mode", () => {
    expect(resolveScope("all", "restricted")).toEqual({ ok: false, reason: "unrestricted_required", requested: "all" });
    expect(resolveScope("all", "unrestricted")).toEqual({ ok: true, scope: "all" });
    expect(resolveScope("platform", "restricted")).toEqual({ ok: true, scope: "platform" });
  });
});

describe("filters", () => {
  it("turns a scope into turbo --filter arguments", () => {
    expect(turboFilterArgs(parseBuildScopes(definition), "platform")).toEqual(["--filter=@app-building/core-back..."]);
  });

  it("turns the filters a deploy recorded into the same arguments", () => {
    expect(turboFilterArgs(["@app-building/console...", "./apps/*"])).toEqual([
      "--filter=@app-building/console...",
      "--filter=./apps/*",
    ]);
  });

  it("matches names, graph markers, globs and directories against the workspace", () => {
    expect(
      unmatchedFilters(
        ["@app-building/core-back...", "...@app-building/types", "@app-building/*", "./apps/*", "{packages/types}"],
        packages,
      ),
    ).toEqual([]);
  });

  it("reports every filter that selects nothing", () => {
    expect(unmatchedFilters(["@app-building/nope...", "./tools/*", "@app-building/types"], packages)).toEqual([
      "@app-building/nope...",
      "./tools/*",
    ]);
  });
});
