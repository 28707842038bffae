import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  BUILD_SCOPES,
  buildScopesSchema,
  loadBuildScopes,
  turboFilterArgs,
  unmatchedFilters,
  type WorkspacePackage,
} from "../src/build-scopes.js";

const root = resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const turbo = join(root, "node_modules", ".bin", "turbo");
const env = { ...process.env, TURBO_NO_UPDATE_NOTIFIER: "1", TURBO_TELEMETRY_DISABLED: "1" };

interface DryRun {
  packages: string[];
  tasks: { taskId: string; package: string }[];
}

function workspacePackages(): WorkspacePackage[] {
  const out = execFileSync(turbo, ["ls", "--output=json"], { cwd: root, env, encoding: "utf8" });
  return (JSON.parse(out) as { packages: { items: WorkspacePackage[] } }).packages.items;
}

function dryRun(command: string, args: string[]): DryRun {
  const out = execFileSync(command, args, { cwd: root, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return JSON.parse(out) as DryRun;
}

const scopes = loadBuildScopes(join(root, "build-scopes.json"));

describe("the checked-in build scopes", () => {
  it("are described by the JSON schema made from the zod schema (editors validate build-scopes.json with it)", () => {
    const checkedIn: unknown = JSON.parse(
      readFileSync(join(root, "packages", "types", "build-scopes.schema.json"), "utf8"),
    );
    // Regenerate after changing build-scopes.ts:
    // node -e "Promise.all([import('zod'), import('./packages/types/dist/build-scopes.js')]).then(([{ z }, m]) => console.log(JSON.stringify(z.toJSONSchema(m.buildScopesSchema, { io: 'input' }), null, 2)))" > packages/types/build-scopes.schema.json
    expect(checkedIn).toEqual(z.toJSONSchema(buildScopesSchema, { io: "input" }));
  });

  it("say how every restarted service is checked", () => {
    for (const scope of BUILD_SCOPES) {
      for (const program of scopes.scopes[scope].restart) expect(scopes.services[program], program).toBeDefined();
    }
    expect(scopes.services.console?.smokePaths).toContain("/sign-in");
  });

  it("match real workspace packages with every filter", () => {
    const packages = workspacePackages();
    for (const scope of BUILD_SCOPES) {
      expect(unmatchedFilters(scopes.scopes[scope].filters, packages), scope).toEqual([]);
    }
  });

  it("are what the root build:<scope> scripts run", () => {
    const scripts = (
      JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    for (const scope of BUILD_SCOPES) {
      expect(scripts[`build:${scope}`]).toBe(`node scripts/build-scope.mjs ${scope}`);
      const viaScript = dryRun("node", [join(root, "scripts", "build-scope.mjs"), scope, "--dry=json"]);
      const direct = dryRun(turbo, ["run", "build", ...turboFilterArgs(scopes, scope), "--dry=json"]);
      expect(viaScript.tasks.map((t) => t.taskId).sort()).toEqual(direct.tasks.map((t) => t.taskId).sort());
    }
  });

  it("build only the running apps and their dependencies for platform, and everything for all", () => {
    const platform = dryRun(turbo, ["run", "build", ...turboFilterArgs(scopes, "platform"), "--dry=json"]);
    // turbo's ^build follows devDependencies too: the runtime's test kit is built with it.
    expect(platform.packages.sort()).toEqual([
      "@app-building/console",
      "@app-building/container-runtime",
      "@app-building/core-back",
      "@app-building/sdk",
      "@app-building/server-edge",
      "@app-building/testkit",
      "@app-building/types",
    ]);
    const all = dryRun(turbo, ["run", "build", ...turboFilterArgs(scopes, "all"), "--dry=json"]);
    expect(all.packages.sort()).toEqual(
      workspacePackages()
        .map((p) => p.name)
        .sort(),
    );
  });

  it("restart the console for platform, and the console then core-back for all", () => {
    expect(scopes.scopes.platform.restart).toEqual(["console"]);
    expect(scopes.scopes.all.restart).toEqual(["console", "core-back"]);
  });

  it("refuses an unknown scope with the list of real ones", () => {
    let stderr = "";
    try {
      execFileSync("node", [join(root, "scripts", "build-scope.mjs"), "everything"], { cwd: root, env, stdio: "pipe" });
    } catch (error) {
      stderr = String((error as { stderr: Buffer }).stderr);
    }
    expect(stderr).toContain('unknown build scope "everything": use one of platform, all');
  });
});
