import { execFileSync } from "node:child_process";
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { snapshotWorkspace } from "./snapshot.js";
import { readSources, sourcePaths } from "./sources.js";

const env = { PATH: process.env.PATH, HOME: process.env.HOME };

/** The digest a deploy compares kept releases by. */
async function digestSources(dir: string): Promise<string> {
  return (await readSources(dir, env, 0)).digest;
}

/** A committed workspace with a source, an ignored build output and installed dependencies. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), "sources-"));
  writeFileSync(join(dir, ".gitignore"), "node_modules\ndist\n");
  writeFileSync(join(dir, "package.json"), '{"name":"w"}\n');
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src", "main.ts"), "export const v = 1;\n");
  writeFileSync(join(dir, "run.sh"), "echo hi\n");
  mkdirSync(join(dir, "node_modules", ".pnpm"), { recursive: true });
  execFileSync("git", ["init", "-q"], { cwd: dir });
  execFileSync("git", ["add", "-A"], { cwd: dir });
  execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t.test", "commit", "-qm", "t"], { cwd: dir });
  return dir;
}

describe("the sources a build sees", () => {
  it("are the tracked and untracked-unignored files, and their digest changes exactly when a build would see something else", async () => {
    const dir = workspace();
    const before = await digestSources(dir);
    // Build outputs and dependencies are ignored: no change.
    mkdirSync(join(dir, "dist"));
    writeFileSync(join(dir, "dist", "main.js"), "built");
    expect(await digestSources(dir)).toBe(before);
    // Content, a new file, an executable bit, a symlink: each is a change.
    const changes: Array<() => void> = [
      () => writeFileSync(join(dir, "src", "main.ts"), "export const v = 2;\n"),
      () => writeFileSync(join(dir, "src", "new.ts"), "export {};\n"),
      () => chmodSync(join(dir, "run.sh"), 0o755),
      () => symlinkSync("main.ts", join(dir, "src", "link.ts")),
    ];
    const seen = new Set([before]);
    for (const change of changes) {
      change();
      seen.add(await digestSources(dir));
    }
    expect(seen.size).toBe(changes.length + 1);
    expect(await sourcePaths(dir, env)).toEqual([
      ".gitignore",
      "package.json",
      "run.sh",
      "src/link.ts",
      "src/main.ts",
      "src/new.ts",
    ]);
    // A deleted tracked file is left out, not an error.
    rmSync(join(dir, "src", "new.ts"));
    expect(await digestSources(dir)).not.toBe(before);
  });

  it("a snapshot copies them with their modes, names them by the same digest, and stages them for turbo", async () => {
    const dir = workspace();
    chmodSync(join(dir, "run.sh"), 0o755);
    const release = mkdtempSync(join(tmpdir(), "release-"));
    const snapshot = await snapshotWorkspace({ workspaceDir: dir, releaseDir: release, env });
    expect(snapshot).toEqual({ files: 4, digest: await digestSources(dir) });
    expect(readFileSync(join(release, "src", "main.ts"), "utf8")).toBe("export const v = 1;\n");
    expect(statSync(join(release, "run.sh")).mode & 0o111).not.toBe(0);
    const staged = execFileSync("git", ["ls-files"], { cwd: release, encoding: "utf8" }).trim().split("\n");
    expect(staged).toEqual([".gitignore", "package.json", "run.sh", "src/main.ts"]);
    // The release's own digest is the workspace's: a later deploy of these sources finds it.
    expect(await digestSources(release)).toBe(snapshot.digest);
  });

  it("a snapshot from sources just read writes what was read and takes that read's digest", async () => {
    const dir = workspace();
    const read = await readSources(dir, env);
    // An edit after the read goes into the next deploy, not this snapshot.
    writeFileSync(join(dir, "src", "main.ts"), "export const v = 2;\n");
    const release = mkdtempSync(join(tmpdir(), "release-"));
    const snapshot = await snapshotWorkspace({
      workspaceDir: dir,
      releaseDir: release,
      env,
      sources: { entries: read.entries!, digest: read.digest },
    });
    expect(snapshot).toEqual({ files: 4, digest: read.digest });
    expect(readFileSync(join(release, "src", "main.ts"), "utf8")).toBe("export const v = 1;\n");
    expect(await digestSources(release)).toBe(read.digest);
  });

  it("with a shared object store, a snapshot writes each blob once, and its repository reads them through the store", async () => {
    const dir = workspace();
    const objectStore = join(mkdtempSync(join(tmpdir(), "objects-")), ".git-objects");
    const blobs = (): string[] =>
      readdirSync(objectStore)
        .filter((name) => /^[0-9a-f]{2}$/.test(name))
        .flatMap((sub) => readdirSync(join(objectStore, sub)));
    const first = mkdtempSync(join(tmpdir(), "release-"));
    await snapshotWorkspace({ workspaceDir: dir, releaseDir: first, env, objectStore });
    const stored = blobs().length;
    expect(stored).toBe(4);
    writeFileSync(join(dir, "src", "main.ts"), "export const v = 2;\n");
    const second = mkdtempSync(join(tmpdir(), "release-"));
    await snapshotWorkspace({ workspaceDir: dir, releaseDir: second, env, objectStore });
    // Only the changed file's blob is new.
    expect(blobs().length).toBe(stored + 1);
    const show = execFileSync("git", ["show", ":src/main.ts"], { cwd: second, encoding: "utf8" });
    expect(show).toBe("export const v = 2;\n");
    // Every source is staged as it is on disk: nothing modified after staging, nothing untracked.
    const status = execFileSync("git", ["status", "--porcelain"], { cwd: second, encoding: "utf8" }).trim().split("\n");
    expect(status.filter((line) => !line.startsWith("A  "))).toEqual([]);
    expect(status).toHaveLength(4);
  });
});
