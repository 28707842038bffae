import { run } from "@app-building/types/process";
import { loadBuildScopes, unmatchedFilters, type BuildScopes, type WorkspacePackage } from "@app-building/types";
import { z } from "zod";

/** The build-scope definition does not fit the workspace: core-back must not start. */
export class ScopeValidationError extends Error {
  override readonly name = "ScopeValidationError";
}

const turboLsSchema = z.object({
  packages: z.object({ items: z.array(z.object({ name: z.string(), path: z.string() })) }),
});

/** The workspace's packages, as `turbo ls --output=json` lists them. */
export async function listWorkspacePackages(
  turboBin: string,
  workspaceDir: string,
  env: Record<string, string | undefined>,
): Promise<WorkspacePackage[]> {
  const result = await run(turboBin, ["ls", "--output=json"], {
    cwd: workspaceDir,
    env: { ...env, TURBO_NO_UPDATE_NOTIFIER: "1", TURBO_TELEMETRY_DISABLED: "1" },
    timeoutMs: 60_000,
  });
  if (result.failure !== undefined) {
    throw new ScopeValidationError(`"turbo ls" failed in ${workspaceDir} (${result.failure}): ${result.stderr}`);
  }
  const text = result.stdout.slice(result.stdout.indexOf("{"));
  const parsed = turboLsSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new ScopeValidationError(`"turbo ls --output=json" printed an unexpected shape`);
  return parsed.data.packages.items;
}

/**
 * Loads the build-scope definition and checks every filter against the workspace: an
 * unknown package name is a startup error, not a failed deploy later.
 *
 * @throws {ScopeValidationError} naming each filter that matches nothing.
 */
export async function loadValidatedScopes(options: {
  file: string;
  turboBin: string;
  workspaceDir: string;
  env: Record<string, string | undefined>;
}): Promise<BuildScopes> {
  const scopes = loadBuildScopes(options.file);
  const packages = await listWorkspacePackages(options.turboBin, options.workspaceDir, options.env);
  const problems: string[] = [];
  for (const [name, scope] of Object.entries(scopes.scopes)) {
    for (const filter of unmatchedFilters(scope.filters, packages))
      problems.push(`scope "${name}": filter "${filter}"`);
  }
  if (problems.length > 0) {
    throw new ScopeValidationError(
      `${options.file} names packages the workspace does not have: ${problems.join(", ")} (known: ${packages.map((pkg) => pkg.name).join(", ")})`,
    );
  }
  return scopes;
}
