import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBuildScopes } from "@app-building/types";
import { openDatabase } from "../src/db/database.js";
import { DeployRepository } from "../src/deploy/repository.js";
import { BuildRunner } from "../src/deploy/runner.js";
import { DeployService, type DeployServiceOptions, type Restarter } from "../src/deploy/service.js";
import { silentLogger } from "@app-building/server-edge/log";
import { TURBO_BIN, type FixtureWorkspace } from "./fixture-workspace.js";

const created: string[] = [];

/** Removes the data dirs {@link createTestService} made (call in `afterAll`, after shutdown). */
export function removeTestDataDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** A deploy service over real SQLite and real turbo on a fixture workspace. */
export function createTestService(
  fx: Pick<FixtureWorkspace, "dir" | "scopesFile">,
  overrides: Partial<DeployServiceOptions> & { restarter?: Restarter | null; dataDir?: string } = {},
): { service: DeployService; repository: DeployRepository; dataDir: string } {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), "core-back-data-"));
  created.push(dataDir);
  const repository = new DeployRepository(openDatabase(join(dataDir, "core-back.db")));
  const service = new DeployService({
    repository,
    builder: new BuildRunner({ turboBin: TURBO_BIN, workspaceDir: fx.dir, env: process.env, killGraceMs: 1000 }),
    restarter: null,
    scopes: loadBuildScopes(fx.scopesFile),
    logDir: join(dataDir, "logs"),
    buildTimeoutMs: 60_000,
    settleMs: 50,
    defaultMode: "restricted",
    selfProgram: "core-back",
    selfRestartDelayMs: 100,
    cancelWaitMs: 10_000,
    logger: silentLogger(),
    ...overrides,
  });
  return { service, repository, dataDir };
}
