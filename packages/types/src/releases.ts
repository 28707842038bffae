import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

/**
 * The file at the root of every release naming it: services read it at start to report
 * which release they run (`GET /health` answers `{ ok, release }`).
 *
 * @example
 * ```ts
 * import { existsSync } from "node:fs";
 * import { join } from "node:path";
 * import { RELEASE_MANIFEST } from "@app-building/types/releases";
 * const isRelease = (dir: string) => existsSync(join(dir, RELEASE_MANIFEST)); // "<dir>/release.json"
 * console.log(isRelease(process.cwd()) ? "a release" : "a plain checkout");
 * ```
 */
export const RELEASE_MANIFEST = "release.json";

/**
 * A release's state. `building`: its snapshot is being built (never live); `built`: the
 * build passed, not yet promoted; `candidate`: live, passing its gate; `good`: passed
 * its gate (known-good); `failed`: its build or its gate failed.
 *
 * @example
 * ```ts
 * import { releaseListSchema, releaseStateSchema } from "@app-building/types";
 * const wanted = releaseStateSchema.parse(process.argv[2] ?? "good"); // a filter typed on the command line
 * const response = await fetch("http://127.0.0.1:4000/deploy/releases", {
 *   headers: { "x-api-key": process.env.CORE_BACK_API_KEY ?? "" },
 * });
 * for (const release of releaseListSchema.parse(await response.json()).items) {
 *   if (release.state === wanted) console.log(release.id, release.createdAt);
 * }
 * ```
 */
export const releaseStateSchema = z.enum(["building", "built", "candidate", "good", "failed"]);
/**
 * A release state.
 *
 * @example
 * ```ts
 * import { releaseListSchema, type ReleaseState } from "@app-building/types";
 * async function releasesIn(state: ReleaseState, apiKey: string) {
 *   const response = await fetch("http://127.0.0.1:4000/deploy/releases", { headers: { "x-api-key": apiKey } });
 *   return releaseListSchema.parse(await response.json()).items.filter((release) => release.state === state);
 * }
 * const rollbackTargets = await releasesIn("good", process.env.CORE_BACK_API_KEY ?? "");
 * ```
 */
export type ReleaseState = z.infer<typeof releaseStateSchema>;

/**
 * The manifest each release holds (`<release>/release.json`).
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { join } from "node:path";
 * import { RELEASE_MANIFEST, releaseManifestSchema } from "@app-building/types";
 * const text = readFileSync(join("/srv/app-building/releases/20261202T004500-ab12", RELEASE_MANIFEST), "utf8");
 * const manifest = releaseManifestSchema.parse(JSON.parse(text));
 * console.log(manifest.id, manifest.state);
 * ```
 */
export const releaseManifestSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  /** The deploy that made it; null for the release `npm start` made from the checkout. */
  deployId: z.string().nullable().meta({ description: "The deploy that made it; null for the first release." }),
  createdAt: z.string().meta({ format: "date-time" }),
  state: releaseStateSchema,
  /** Disk used by the release's own files (symlinked dependencies not counted); null until measured. */
  sizeBytes: z.number().int().nullable().meta({ description: "Disk used by its own files." }),
});
/**
 * A release manifest.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { join } from "node:path";
 * import { RELEASE_MANIFEST, releaseManifestSchema, type ReleaseManifest } from "@app-building/types";
 * function readManifest(releaseDir: string): ReleaseManifest {
 *   return releaseManifestSchema.parse(JSON.parse(readFileSync(join(releaseDir, RELEASE_MANIFEST), "utf8")));
 * }
 * const manifest = readManifest("/srv/app-building/releases/20261202T004500-ab12");
 * console.log(manifest.state, manifest.deployId ?? "made by npm start");
 * ```
 */
export type ReleaseManifest = z.infer<typeof releaseManifestSchema>;

/**
 * One release as `GET /deploy/releases` lists it.
 *
 * @example
 * ```ts
 * import { releaseSchema } from "@app-building/types";
 * const response = await fetch("http://127.0.0.1:4000/deploy/releases", {
 *   headers: { "x-api-key": process.env.CORE_BACK_API_KEY ?? "" },
 * });
 * const { items } = (await response.json()) as { items: unknown[] };
 * for (const release of items.map((item) => releaseSchema.parse(item))) {
 *   if (release.live) console.log(`${release.id} is live`);
 * }
 * ```
 */
export const releaseSchema = releaseManifestSchema.extend({ live: z.boolean() });
/**
 * A listed release.
 *
 * @example
 * ```ts
 * import { releaseListSchema, type Release } from "@app-building/types";
 * // The newest good release older than the live one: where a rollback would go.
 * function previousGood(releases: Release[]): Release | undefined {
 *   const live = releases.findIndex((release) => release.live);
 *   return releases.slice(live + 1).find((release) => release.state === "good");
 * }
 * const response = await fetch("http://127.0.0.1:4000/deploy/releases", {
 *   headers: { "x-api-key": process.env.CORE_BACK_API_KEY ?? "" },
 * });
 * console.log(previousGood(releaseListSchema.parse(await response.json()).items)?.id);
 * ```
 */
export type Release = z.infer<typeof releaseSchema>;

/**
 * `GET /deploy/releases`: the releases on disk, newest first.
 *
 * @example
 * ```ts
 * import { releaseListSchema } from "@app-building/types";
 * const response = await fetch("http://127.0.0.1:4000/deploy/releases", {
 *   headers: { "x-api-key": process.env.CORE_BACK_API_KEY ?? "" },
 * });
 * const list = releaseListSchema.parse(await response.json());
 * console.log(`${list.items.length} releases; live: ${list.live ?? "none"}`);
 * ```
 */
export const releaseListSchema = z.object({ items: z.array(releaseSchema), live: z.string().nullable() });
/**
 * The release list.
 *
 * @example
 * ```ts
 * import { releaseListSchema, type ReleaseList } from "@app-building/types";
 * async function listReleases(apiKey: string): Promise<ReleaseList> {
 *   const response = await fetch("http://127.0.0.1:4000/deploy/releases", { headers: { "x-api-key": apiKey } });
 *   if (!response.ok) throw new Error(`GET /deploy/releases answered ${response.status}`); // 409 without releases
 *   return releaseListSchema.parse(await response.json());
 * }
 * const { items, live } = await listReleases(process.env.CORE_BACK_API_KEY ?? "");
 * console.log(`${items.length} releases, ${live ?? "none"} live`);
 * ```
 */
export type ReleaseList = z.infer<typeof releaseListSchema>;

/**
 * `POST /deploy/rollback` body: the known-good release to make live.
 *
 * @example
 * ```ts
 * import { rollbackRequestSchema } from "@app-building/types";
 * const body = rollbackRequestSchema.parse({ releaseId: process.argv[2] }); // fails without an id, before any call
 * await fetch("http://127.0.0.1:4000/deploy/rollback", {
 *   method: "POST",
 *   headers: { "x-api-key": process.env.CORE_BACK_API_KEY ?? "", "content-type": "application/json" },
 *   body: JSON.stringify(body),
 * });
 * ```
 */
export const rollbackRequestSchema = z.object({ releaseId: z.string().min(1).max(200) }).strict();
/**
 * A rollback request.
 *
 * @example
 * ```ts
 * import { deploySchema, type RollbackRequest } from "@app-building/types";
 * async function rollback(apiKey: string, body: RollbackRequest) {
 *   const response = await fetch("http://127.0.0.1:4000/deploy/rollback", {
 *     method: "POST",
 *     headers: { "x-api-key": apiKey, "content-type": "application/json" },
 *     body: JSON.stringify(body),
 *   });
 *   return deploySchema.parse(await response.json()); // action: "rollback"
 * }
 * const deploy = await rollback(process.env.CORE_BACK_API_KEY ?? "", { releaseId: "20261202T004500-ab12" });
 * console.log(deploy.status, deploy.release); // "ok" "20261202T004500-ab12"
 * ```
 */
export type RollbackRequest = z.infer<typeof rollbackRequestSchema>;

/**
 * The release a workspace root holds (its manifest's id), or `null` for a plain checkout.
 *
 * @example
 * ```ts
 * import { readReleaseId } from "@app-building/types";
 * // A server names the release it runs from: its root is three folders above this module.
 * const release = readReleaseId(new URL("../../..", import.meta.url).pathname);
 * console.log(`running ${release ?? "a plain checkout"}`);
 * ```
 */
export function readReleaseId(rootDir: string): string | null {
  try {
    const parsed = releaseManifestSchema.safeParse(JSON.parse(readFileSync(join(rootDir, RELEASE_MANIFEST), "utf8")));
    return parsed.success ? parsed.data.id : null;
  } catch {
    return null;
  }
}
