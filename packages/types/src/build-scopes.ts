import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * The build scopes a deploy can build. `platform` is the running apps and what they
 * depend on; `all` is the whole workspace.
 *
 * @example
 * ```ts
 * import { BUILD_SCOPES } from "@app-building/types/build-scopes";
 * console.log(`usage: deploy --scope <auto|${BUILD_SCOPES.join("|")}>`); // usage: deploy --scope <auto|platform|all>
 * ```
 */
export const BUILD_SCOPES = ["platform", "all"] as const;
/**
 * A concrete build scope.
 *
 * @example
 * ```ts
 * import { loadBuildScopes, turboFilterArgs, type BuildScope } from "@app-building/types";
 * function turboBuildArgs(scope: BuildScope): string[] {
 *   return ["run", "build", ...turboFilterArgs(loadBuildScopes("build-scopes.json"), scope)];
 * }
 * turboBuildArgs("platform"); // ["run", "build", "--filter=@app-building/core-back...", ...]
 * ```
 */
export type BuildScope = (typeof BUILD_SCOPES)[number];

/**
 * A concrete build scope, as a deploy records it.
 *
 * @example
 * ```ts
 * import { buildScopeSchema } from "@app-building/types";
 * // "platform" or "all"; anything else (auto is a request, not a scope) throws, naming both.
 * const scope = buildScopeSchema.parse(process.argv[2]);
 * ```
 */
export const buildScopeSchema = z.enum(BUILD_SCOPES);

/**
 * What a caller may ask for: a concrete scope, or `auto` (the widest the mode allows).
 *
 * @example
 * ```ts
 * import { requestedScopeSchema } from "@app-building/types";
 * // A command-line flag, checked before it is sent: "--scope everything" fails here, not at the server.
 * const scope = requestedScopeSchema.parse(process.argv[2] ?? "auto"); // "auto" | "platform" | "all"
 * ```
 */
export const requestedScopeSchema = z.enum(["auto", ...BUILD_SCOPES]);
/**
 * A scope as requested: `auto`, `platform` or `all`.
 *
 * @example
 * ```ts
 * import { resolveScope, type DeployMode, type RequestedScope } from "@app-building/types";
 * function scopeToBuild(requested: RequestedScope, mode: DeployMode) {
 *   const resolution = resolveScope(requested, mode);
 *   if (!resolution.ok) throw new Error(`scope "${resolution.requested}" needs unrestricted mode`);
 *   return resolution.scope;
 * }
 * scopeToBuild("auto", "restricted"); // "platform"
 * ```
 */
export type RequestedScope = z.infer<typeof requestedScopeSchema>;

/**
 * Deploy modes: `restricted` allows the `platform` scope only, `unrestricted` allows `all`.
 *
 * @example
 * ```ts
 * import { deployModeSchema } from "@app-building/types";
 * // The mode a server starts in, read from its environment once.
 * const mode = deployModeSchema.parse(process.env.DEPLOY_MODE ?? "restricted");
 * console.log(`deploy modes: ${deployModeSchema.options.join(" | ")}; starting ${mode}`);
 * ```
 */
export const deployModeSchema = z.enum(["restricted", "unrestricted"]);
/**
 * A deploy mode.
 *
 * @example
 * ```ts
 * import { allowedScopes, deployModeBodySchema, type DeployMode } from "@app-building/types";
 * async function currentMode(apiKey: string): Promise<DeployMode> {
 *   const response = await fetch("http://127.0.0.1:4000/deploy/mode", { headers: { "x-api-key": apiKey } });
 *   return deployModeBodySchema.parse(await response.json()).mode;
 * }
 * const mode = await currentMode(process.env.CORE_BACK_API_KEY ?? ""); // admins only
 * console.log(allowedScopes(mode)); // ["platform"] while restricted
 * ```
 */
export type DeployMode = z.infer<typeof deployModeSchema>;

const serviceName = z.string().regex(/^[A-Za-z0-9_.-]+$/, "a supervisord program name (letters, digits, _ . -)");

/**
 * One scope in the build-scope definition: the turbo filters it builds and the
 * supervised services restarted, in order, after a successful build.
 *
 * @example
 * ```ts
 * import { scopeDefinitionSchema } from "@app-building/types";
 * // A scope written by hand, checked before it goes into build-scopes.json.
 * const docs = scopeDefinitionSchema.parse({
 *   description: "the API server and what it depends on",
 *   filters: ["@app-building/core-back..."],
 *   restart: ["core-back"],
 * });
 * ```
 */
export const scopeDefinitionSchema = z
  .object({
    description: z.string().min(1),
    filters: z.array(z.string().min(1)).min(1),
    restart: z.array(serviceName),
  })
  .strict();
/**
 * One scope of the definition.
 *
 * @example
 * ```ts
 * import { loadBuildScopes, type ScopeDefinition } from "@app-building/types";
 * function describeScope(name: string, scope: ScopeDefinition): string {
 *   const restarts = scope.restart.length === 0 ? "nothing" : scope.restart.join(", ");
 *   return `${name}: builds ${scope.filters.join(" ")}, then restarts ${restarts}`;
 * }
 * for (const [name, scope] of Object.entries(loadBuildScopes("build-scopes.json").scopes)) {
 *   console.log(describeScope(name, scope));
 * }
 * ```
 */
export type ScopeDefinition = z.infer<typeof scopeDefinitionSchema>;

/**
 * How a supervised service is checked after a restart: it counts as up only when its
 * health URL answers from the new release, its smoke paths answer, and it stays healthy
 * for the settle window.
 *
 * @example
 * ```ts
 * import { serviceCheckSchema } from "@app-building/types";
 * // A check handed to another process as JSON (an argument or an env var), read back with its defaults.
 * const check = serviceCheckSchema.parse(JSON.parse(process.env.SERVICE_CHECK ?? "{}"));
 * console.log(check.healthPath, check.startTimeoutMs); // "/health" 15000 when nothing was set
 * ```
 */
export const serviceCheckSchema = z
  .object({
    /** Answers `200 {ok, release}` with the id of the release the service runs. */
    healthPath: z.string().regex(/^\//).default("/health"),
    /** Paths that must answer 2xx or 3xx once healthy (the console: its sign-in page). */
    smokePaths: z.array(z.string().regex(/^\//)).default([]),
    /** How long the service has to answer its health URL from the new release. */
    startTimeoutMs: z.number().int().min(100).max(300_000).default(15_000),
    /** How long it must then stay healthy (same process, health answering). */
    settleMs: z.number().int().min(0).max(120_000).default(3_500),
  })
  .strict();
/**
 * A service's check.
 *
 * @example
 * ```ts
 * import { loadBuildScopes, type ServiceCheck } from "@app-building/types";
 * async function answersHealth(baseUrl: string, check: ServiceCheck): Promise<boolean> {
 *   const response = await fetch(new URL(check.healthPath, baseUrl), { signal: AbortSignal.timeout(check.startTimeoutMs) });
 *   return response.ok;
 * }
 * const check = loadBuildScopes("build-scopes.json").services["console"];
 * if (check !== undefined) console.log(await answersHealth("http://127.0.0.1:4001", check));
 * ```
 */
export type ServiceCheck = z.infer<typeof serviceCheckSchema>;

/**
 * The checked-in build-scope definition (`build-scopes.json` at the workspace root).
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { buildScopesSchema } from "@app-building/types";
 * const text = readFileSync("build-scopes.json", "utf8");
 * const def = buildScopesSchema.parse(JSON.parse(text)); // throws a ZodError naming each bad field
 * console.log(def.scopes.platform.filters); // ["@app-building/core-back...", ...]
 * ```
 */
export const buildScopesSchema = z
  .object({
    $schema: z.string().optional(),
    scopes: z
      .object({
        platform: scopeDefinitionSchema,
        all: scopeDefinitionSchema,
      })
      .strict(),
    /** Every service a scope restarts, and how it is checked. */
    services: z.record(serviceName, serviceCheckSchema).default({}),
  })
  .strict()
  .superRefine((value, ctx) => {
    for (const [name, scope] of Object.entries(value.scopes)) {
      for (const program of scope.restart) {
        if (value.services[program] === undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["scopes", name, "restart"],
            message: `"${program}" has no entry in services (how it is checked after a restart)`,
          });
        }
      }
    }
  });
/**
 * The whole build-scope definition.
 *
 * @example
 * ```ts
 * import { execFileSync } from "node:child_process";
 * import { loadBuildScopes, unmatchedFilters, type BuildScopes, type WorkspacePackage } from "@app-building/types";
 * function checkScopes(scopes: BuildScopes, packages: WorkspacePackage[]): void {
 *   for (const [name, scope] of Object.entries(scopes.scopes)) {
 *     const unknown = unmatchedFilters(scope.filters, packages);
 *     if (unknown.length > 0) throw new Error(`scope ${name} names no package: ${unknown.join(", ")}`);
 *   }
 * }
 * const listed = JSON.parse(execFileSync("npx", ["turbo", "ls", "--output=json"], { encoding: "utf8" })) as {
 *   packages: { items: WorkspacePackage[] };
 * };
 * checkScopes(loadBuildScopes("build-scopes.json"), listed.packages.items);
 * ```
 */
export type BuildScopes = z.infer<typeof buildScopesSchema>;

/**
 * Thrown when a build-scope definition cannot be read, parsed or validated.
 *
 * @example
 * ```ts
 * import { BuildScopesError, loadBuildScopes } from "@app-building/types";
 * try {
 *   loadBuildScopes("build-scopes.json");
 * } catch (error) {
 *   if (!(error instanceof BuildScopesError)) throw error;
 *   console.error(error.message); // e.g. "build-scopes.json is not valid JSON"
 *   process.exitCode = 1;
 * }
 * ```
 */
export class BuildScopesError extends Error {
  override readonly name = "BuildScopesError";
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

/**
 * Validates an already-parsed build-scope definition.
 *
 * @throws {BuildScopesError} naming each invalid field.
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { parseBuildScopes } from "@app-building/types";
 * const scopes = parseBuildScopes(JSON.parse(readFileSync("build-scopes.json", "utf8")));
 * console.log(scopes.scopes.all.restart); // ["console", "core-back"]
 * ```
 */
export function parseBuildScopes(value: unknown): BuildScopes {
  const result = buildScopesSchema.safeParse(value);
  if (!result.success) {
    throw new BuildScopesError(`invalid build-scope definition: ${describeIssues(result.error)}`);
  }
  return result.data;
}

/**
 * Reads and validates the build-scope definition file.
 *
 * @throws {BuildScopesError} when the file is missing, is not JSON, or is invalid.
 * @example
 * ```ts
 * import { loadBuildScopes } from "@app-building/types";
 * const scopes = loadBuildScopes("/repo/build-scopes.json");
 * console.log(scopes.services["console"]?.healthPath); // "/health"
 * ```
 */
export function loadBuildScopes(path: string): BuildScopes {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new BuildScopesError(`cannot read the build-scope definition at ${path}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new BuildScopesError(`${path} is not valid JSON`, { cause });
  }
  return parseBuildScopes(json);
}

/**
 * The scopes a mode allows, narrowest first.
 *
 * @example
 * ```ts
 * import { allowedScopes, deployModeSchema } from "@app-building/types";
 * const mode = deployModeSchema.parse(process.env.DEPLOY_MODE ?? "restricted");
 * console.log(`scopes allowed: ${allowedScopes(mode).join(", ")}`); // "platform" while restricted
 * ```
 */
export function allowedScopes(mode: DeployMode): readonly BuildScope[] {
  return mode === "unrestricted" ? BUILD_SCOPES : ["platform"];
}

/**
 * The outcome of resolving a requested scope against a mode.
 *
 * @example
 * ```ts
 * import { resolveScope, type ScopeResolution } from "@app-building/types";
 * const resolution: ScopeResolution = resolveScope("auto", "restricted");
 * if (resolution.ok) console.log(`building ${resolution.scope}`);
 * else console.error(`scope ${resolution.requested} needs unrestricted mode`);
 * ```
 */
export type ScopeResolution =
  | { ok: true; scope: BuildScope }
  | { ok: false; reason: "unrestricted_required"; requested: BuildScope };

/**
 * Resolves `auto` to the widest scope the mode allows, and refuses a scope the mode
 * does not allow.
 *
 * @example
 * ```ts
 * import { resolveScope } from "@app-building/types";
 * resolveScope("auto", "restricted"); // { ok: true, scope: "platform" }
 * resolveScope("all", "restricted"); // { ok: false, reason: "unrestricted_required", requested: "all" }
 * ```
 */
export function resolveScope(requested: RequestedScope, mode: DeployMode): ScopeResolution {
  const allowed = allowedScopes(mode);
  if (requested === "auto") {
    const widest = allowed[allowed.length - 1] ?? "platform";
    return { ok: true, scope: widest };
  }
  if (allowed.includes(requested)) return { ok: true, scope: requested };
  return { ok: false, reason: "unrestricted_required", requested };
}

/**
 * The turbo arguments that select a scope's packages (`--filter=<filter>` for each of its
 * filters), or those of a list of filters as a deploy recorded them: the one place the
 * scope-to-turbo mapping is written.
 *
 * @example
 * ```ts
 * import { execFileSync } from "node:child_process";
 * import { loadBuildScopes, turboFilterArgs } from "@app-building/types";
 * const scopes = loadBuildScopes("build-scopes.json");
 * turboFilterArgs(scopes, "platform"); // ["--filter=@app-building/core-back...", ...]
 * turboFilterArgs(["@app-building/console..."]); // ["--filter=@app-building/console..."]
 * execFileSync("npx", ["turbo", "run", "build", ...turboFilterArgs(scopes, "platform")], { stdio: "inherit" });
 * ```
 */
export function turboFilterArgs(scopes: BuildScopes, scope: BuildScope): string[];
export function turboFilterArgs(filters: readonly string[]): string[];
export function turboFilterArgs(...args: [BuildScopes, BuildScope] | [readonly string[]]): string[] {
  const filters = args.length === 1 ? args[0] : args[0].scopes[args[1]].filters;
  return filters.map((filter) => `--filter=${filter}`);
}

/**
 * A workspace package as `turbo ls --output=json` reports it.
 *
 * @example
 * ```ts
 * import { execFileSync } from "node:child_process";
 * import { unmatchedFilters, type WorkspacePackage } from "@app-building/types";
 * function workspacePackages(): WorkspacePackage[] {
 *   const out = execFileSync("npx", ["turbo", "ls", "--output=json"], { encoding: "utf8" });
 *   return (JSON.parse(out) as { packages: { items: WorkspacePackage[] } }).packages.items;
 * }
 * unmatchedFilters(["@app-building/core-back...", "@app-building/nope"], workspacePackages()); // ["@app-building/nope"]
 * ```
 */
export interface WorkspacePackage {
  /** The package name, e.g. `@app-building/core-back`. */
  name: string;
  /** The package directory relative to the workspace root, e.g. `apps/core-back`. */
  path: string;
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

/**
 * The core selector of a turbo filter: without the `...` graph markers, a leading `^`
 * or a leading `!`. Returns whether it selects by directory (`./apps/*`) or by name.
 */
function filterSelector(filter: string): { kind: "path" | "name"; pattern: string } {
  let core = filter.trim();
  if (core.startsWith("!")) core = core.slice(1);
  if (core.startsWith("...")) core = core.slice(3);
  if (core.startsWith("^")) core = core.slice(1);
  if (core.endsWith("...")) core = core.slice(0, -3);
  if (core.startsWith("{") && core.endsWith("}")) return { kind: "path", pattern: core.slice(1, -1) };
  if (core.startsWith("./") || core.startsWith("../")) return { kind: "path", pattern: core };
  return { kind: "name", pattern: core };
}

/**
 * The filters that match no workspace package. An unknown package name in a scope is a
 * configuration error that should stop a server at startup, not fail a deploy later.
 *
 * @example
 * ```ts
 * import { unmatchedFilters } from "@app-building/types";
 * const packages = [{ name: "@app-building/types", path: "packages/types" }];
 * unmatchedFilters(["@app-building/types...", "@app-building/nope..."], packages); // ["@app-building/nope..."]
 * ```
 */
export function unmatchedFilters(filters: readonly string[], packages: readonly WorkspacePackage[]): string[] {
  return filters.filter((filter) => {
    const selector = filterSelector(filter);
    if (selector.kind === "path") {
      const pattern = globToRegExp(selector.pattern.replace(/^\.\//, "").replace(/\/$/, ""));
      return !packages.some((pkg) => pattern.test(pkg.path.replace(/\/$/, "")));
    }
    const pattern = globToRegExp(selector.pattern);
    return !packages.some((pkg) => pattern.test(pkg.name));
  });
}
