import { randomBytes } from "node:crypto";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import {
  RELEASE_MANIFEST,
  releaseManifestSchema,
  type Release,
  type ReleaseManifest,
  type ReleaseState,
} from "@app-building/types";
import { ReleaseNotFoundError, ReleaseNotPromotableError } from "../../errors.js";

/** The pointer services run through: `<releases>/current` → `<id>`. */
export const CURRENT_LINK = "current";
const ID_PATTERN = /^\d{8}T\d{6}\d{3}-[0-9a-f]{6}$/;

/** Where releases live and how many to keep. */
export interface ReleaseStoreOptions {
  /** `<data>/releases`. */
  dir: string;
  /** How many known-good releases to keep besides the live one (older ones are pruned). */
  keep: number;
}

/** What a release was built from: the digest of its sources and the turbo filters. */
export interface BuildKey {
  digest: string;
  filters: readonly string[];
}

const BUILD_KEY_FILE = "build-key.json";

function sameKey(a: BuildKey, b: BuildKey): boolean {
  const sorted = (filters: readonly string[]): string => JSON.stringify([...filters].sort());
  return a.digest === b.digest && sorted(a.filters) === sorted(b.filters);
}

/** A new release id: sortable by creation time, unique. */
export function newReleaseId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(".", "").replace("Z", "");
  return `${stamp}-${randomBytes(3).toString("hex")}`;
}

/**
 * The releases on disk: one directory each with a `release.json` manifest, and the
 * `current` symlink that supervisord's programs run through. The pointer only ever moves
 * to a release whose build passed (`built`, `candidate` or `good`), by renaming a new
 * symlink over it, so a reader sees the old or the new release, never neither, and never
 * a half-built one.
 */
export class ReleaseStore {
  constructor(private readonly options: ReleaseStoreOptions) {
    mkdirSync(options.dir, { recursive: true });
  }

  get dir(): string {
    return this.options.dir;
  }

  /** A release's directory. */
  pathOf(id: string): string {
    return join(this.options.dir, id);
  }

  /**
   * The git object directory releases share for their staged sources
   * (`<releases>/.git-objects`): a blob is written once, whichever releases hold it.
   * Never pruned; it holds only the sources' compressed blobs.
   */
  get objectStore(): string {
    return join(this.options.dir, ".git-objects");
  }

  /** The path services run from: the `current` link. */
  get currentPath(): string {
    return join(this.options.dir, CURRENT_LINK);
  }

  /** Creates an empty release in state `building`. */
  create(deployId: string | null, now = new Date()): ReleaseManifest {
    const id = newReleaseId(now);
    mkdirSync(this.pathOf(id));
    const manifest: ReleaseManifest = {
      id,
      deployId,
      createdAt: now.toISOString(),
      state: "building",
      sizeBytes: null,
    };
    this.writeManifest(manifest);
    return manifest;
  }

  /** A release's manifest, or `undefined` when it is missing or unreadable. */
  get(id: string): ReleaseManifest | undefined {
    if (!ID_PATTERN.test(id)) return undefined;
    try {
      const parsed = releaseManifestSchema.safeParse(
        JSON.parse(readFileSync(join(this.pathOf(id), RELEASE_MANIFEST), "utf8")),
      );
      return parsed.success && parsed.data.id === id ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** Updates a release's manifest (written to a temp file, renamed over the old one). */
  update(id: string, patch: Partial<Pick<ReleaseManifest, "state" | "sizeBytes">>): ReleaseManifest {
    const manifest = this.get(id);
    if (manifest === undefined) throw new ReleaseNotFoundError(id);
    const next = { ...manifest, ...patch };
    this.writeManifest(next);
    return next;
  }

  /** The live release's id, or `null` when there is none yet. */
  currentId(): string | null {
    try {
      const target = readlinkSync(this.currentPath);
      return this.get(target) === undefined ? null : target;
    } catch {
      return null;
    }
  }

  /**
   * Makes `id` the live release, atomically (a new link renamed over `current`).
   *
   * @throws {ReleaseNotPromotableError} for a release still building or failed.
   */
  switchTo(id: string): void {
    const manifest = this.get(id);
    if (manifest === undefined) throw new ReleaseNotFoundError(id);
    if (manifest.state === "building" || manifest.state === "failed")
      throw new ReleaseNotPromotableError(id, manifest.state);
    const temp = join(this.options.dir, `.${CURRENT_LINK}-${randomBytes(4).toString("hex")}`);
    symlinkSync(id, temp);
    renameSync(temp, this.currentPath);
  }

  /** Every release, newest first, with whether it is live. */
  list(): Release[] {
    const live = this.currentId();
    return this.ids()
      .map((id) => this.get(id))
      .filter((manifest): manifest is ReleaseManifest => manifest !== undefined)
      .map((manifest) => ({ ...manifest, live: manifest.id === live }));
  }

  /** The newest known-good release other than `except`, the target of a rollback. */
  lastGood(except?: string): ReleaseManifest | undefined {
    return this.list().find((release) => release.state === "good" && release.id !== except);
  }

  /**
   * Where a promotion of `id` rolls back to: the live release, or, when `id` is the live
   * release itself (promoted again), the newest other known-good one.
   */
  rollbackTarget(id: string): string | null {
    const live = this.currentId();
    return live !== id ? live : (this.lastGood(id)?.id ?? null);
  }

  /**
   * Deletes what is no longer needed: keeps the live release, every release still
   * building or being promoted, and the `keep` newest known-good others. A failed or
   * superseded release goes.
   *
   * @returns the ids removed.
   */
  prune(): string[] {
    const live = this.currentId();
    let good = 0;
    const removed: string[] = [];
    for (const release of this.list()) {
      if (release.id === live || release.state === "building" || release.state === "candidate") continue;
      if (release.state === "good" && good < this.options.keep) {
        good += 1;
        continue;
      }
      rmSync(this.pathOf(release.id), { recursive: true, force: true });
      removed.push(release.id);
    }
    // Leftovers of a switch interrupted between its two steps.
    for (const name of readdirSync(this.options.dir)) {
      if (name.startsWith(`.${CURRENT_LINK}-`)) rmSync(join(this.options.dir, name), { force: true });
    }
    return removed;
  }

  /** Disk used by a release's own files: symlinks count as links, not what they point at. */
  measure(id: string): number {
    const walk = (path: string): number => {
      const stat = lstatSync(path);
      if (!stat.isDirectory()) return stat.blocks * 512;
      let total = stat.blocks * 512;
      for (const name of readdirSync(path)) total += walk(join(path, name));
      return total;
    };
    return existsSync(this.pathOf(id)) ? walk(this.pathOf(id)) : 0;
  }

  /** Records what a release's build was made from, once the build passed. */
  recordBuildKey(id: string, key: BuildKey): void {
    const path = join(this.pathOf(id), BUILD_KEY_FILE);
    const temp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
    writeFileSync(temp, `${JSON.stringify({ digest: key.digest, filters: [...key.filters] })}\n`);
    renameSync(temp, path);
  }

  /** What a release was built from, or `undefined` when it was not recorded. */
  buildKeyOf(id: string): BuildKey | undefined {
    try {
      const parsed = JSON.parse(readFileSync(join(this.pathOf(id), BUILD_KEY_FILE), "utf8")) as Partial<BuildKey>;
      if (typeof parsed.digest !== "string" || !Array.isArray(parsed.filters)) return undefined;
      return { digest: parsed.digest, filters: parsed.filters.map(String) };
    } catch {
      return undefined;
    }
  }

  /**
   * A known-good release built from exactly these sources with these filters, the live
   * one first: building again would make the same release, so a deploy can reuse it.
   */
  findReusable(key: BuildKey): ReleaseManifest | undefined {
    const good = this.list().filter((release) => release.state === "good");
    const ordered = [...good.filter((release) => release.live), ...good.filter((release) => !release.live)];
    return ordered.find((release) => {
      const built = this.buildKeyOf(release.id);
      return built !== undefined && sameKey(built, key);
    });
  }

  /** The state a release is in, or `undefined`. */
  stateOf(id: string): ReleaseState | undefined {
    return this.get(id)?.state;
  }

  private ids(): string[] {
    return readdirSync(this.options.dir)
      .filter((name) => ID_PATTERN.test(name))
      .sort()
      .reverse();
  }

  private writeManifest(manifest: ReleaseManifest): void {
    const path = join(this.pathOf(manifest.id), RELEASE_MANIFEST);
    const temp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
    writeFileSync(temp, `${JSON.stringify(manifest, null, 2)}\n`);
    renameSync(temp, path);
  }
}
