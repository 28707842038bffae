import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { listWorkspacePackages, ScopeValidationError } from "./scopes.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const TURBO = join(ROOT, "node_modules", ".bin", "turbo");
const ENV = { PATH: process.env.PATH, HOME: process.env.HOME };

describe("listWorkspacePackages", () => {
  it("lists the workspace's packages as turbo sees them", async () => {
    const packages = await listWorkspacePackages(TURBO, ROOT, ENV);
    expect(packages.map((pkg) => pkg.name)).toContain("@app-building/core-back");
  });

  it("fails with turbo's own words when the folder is no turbo workspace", async () => {
    const empty = mkdtempSync(join(tmpdir(), "scopes-no-workspace-"));
    const failure = await listWorkspacePackages(TURBO, empty, ENV).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ScopeValidationError);
    expect((failure as Error).message).toMatch(/^"turbo ls" failed in .* \(exit \d+\): \S/);
  });

  it("says when turbo cannot be started at all", async () => {
    const failure = await listWorkspacePackages(join(ROOT, "no-such-turbo"), ROOT, ENV).catch(
      (error: unknown) => error,
    );
    expect((failure as Error).message).toMatch(/could not start: .*ENOENT/);
  });
});
