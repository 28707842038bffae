import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { open, readFile, rename, stat, unlink, type FileHandle } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { AgentState } from "../state.js";
import type { ContainerOutcome } from "../stopped/outcome.js";
import { defaultRegistryPath } from "../paths/state-dir.js";
import { withFileLock } from "./lock.js";
import { probeAlive } from "./probe.js";
import type { ContainerRegistry, RegistryEntry } from "./registry.js";
import { applyLine, type RegistryIndex } from "./records.js";

/**
 * A line of the registry file that could not be read: it is skipped, never fatal.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, type RegistryProblem } from "@app-building/sdk";
 * const registry = new FileContainerRegistry("reg.jsonl", { onProblem: (p: RegistryProblem) => console.warn(p.message) });
 * ```
 */
export interface RegistryProblem {
  /** The registry file. */
  file: string;
  /** Byte offset of the line in the file as it was read. */
  byteOffset: number;
  /** What was wrong. */
  message: string;
}

/**
 * Options of {@link FileContainerRegistry}.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, type FileContainerRegistryOptions } from "@app-building/sdk";
 * const options: FileContainerRegistryOptions = { recentLimit: 50 };
 * const registry = new FileContainerRegistry(".container-registry.jsonl", options);
 * ```
 */
export interface FileContainerRegistryOptions {
  /** Called for every corrupt line met while reading; they are also kept in `problems`. */
  onProblem?: (problem: RegistryProblem) => void;
  /** How many recent entries `findAlive` probes (default 50). */
  recentLimit?: number;
  /** How long to wait for the cross-process lock (default 10 s). */
  lockTimeoutMs?: number;
  /** How long one liveness probe may take (default 3 s). */
  probeTimeoutMs?: number;
}

/** The registry file's mode (it holds bearer tokens), and that of the folders it creates for it. */
const PRIVATE_FILE = 0o600;
const PRIVATE_FOLDER = 0o700;

interface FileIdentity {
  ino: number;
  dev: number;
}

/**
 * A {@link ContainerRegistry} in a JSON Lines file, safe to share between processes.
 *
 * - Every write appends one line under a cross-process lock file (`<file>.lock`).
 * - Updates (`stopped`, `cleared`) are appended too; when superseded lines outnumber live
 *   ones the file is compacted: rewritten to a temporary file, synced, and renamed over
 *   the old one, so a reader never sees half a file.
 * - Reads keep an index in memory and read only the bytes appended since the last read,
 *   so `find` stays fast however large the file grows.
 * - A corrupt line (a torn write, a hand edit) is skipped and reported through
 *   `onProblem` and `problems`; it never makes a call fail.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry } from "@app-building/sdk";
 * const registry = new FileContainerRegistry(); // ~/.local/state/app-building/registry.jsonl
 * const recent = await registry.getRecent(10);
 * ```
 */
export class FileContainerRegistry implements ContainerRegistry {
  /** The registry file. */
  readonly path: string;
  /** Corrupt lines met so far (the most recent 100). */
  readonly problems: RegistryProblem[] = [];
  private readonly lockPath: string;
  private readonly options: FileContainerRegistryOptions;
  private index: RegistryIndex = { entries: new Map(), lines: 0 };
  private identity: FileIdentity | null = null;
  private readOffset = 0;
  private scans = 0;

  /** @param path the registry file; default {@link defaultRegistryPath} (`<state dir>/registry.jsonl`, outside any project). */
  constructor(path: string = defaultRegistryPath(), options: FileContainerRegistryOptions = {}) {
    this.path = resolve(path);
    this.lockPath = `${this.path}.lock`;
    this.options = options;
  }

  async log(state: AgentState): Promise<void> {
    const entry: RegistryEntry = { ...state, stoppedAt: null };
    await this.append(JSON.stringify(entry));
  }

  async markStopped(name?: string, outcome?: ContainerOutcome): Promise<void> {
    await this.locked(async () => {
      await this.refresh();
      const target =
        name ?? [...this.index.entries.values()].reverse().find((e) => e.stoppedAt === null)?.containerName;
      if (target === undefined) return;
      const current = this.index.entries.get(target);
      if (current === undefined || (current.stoppedAt !== null && outcome === undefined)) return;
      const line = { op: "stopped", containerName: target, at: current.stoppedAt ?? new Date().toISOString(), outcome };
      await this.appendLocked(JSON.stringify(line));
    });
  }

  /** Forgets containers (what `app-building prune` does with stopped ones it cleaned up). */
  async remove(names: readonly string[]): Promise<void> {
    if (names.length === 0) return;
    await this.locked(async () => {
      await this.refresh();
      const known = names.filter((name) => this.index.entries.has(name));
      if (known.length === 0) return;
      await this.appendLocked(known.map((name) => JSON.stringify({ op: "removed", containerName: name })).join("\n"));
    });
  }

  async clearStopped(name: string): Promise<void> {
    await this.locked(async () => {
      await this.refresh();
      const current = this.index.entries.get(name);
      if (current === undefined || current.stoppedAt === null) return;
      await this.appendLocked(JSON.stringify({ op: "cleared", containerName: name }));
    });
  }

  async getRecent(limit = 20): Promise<RegistryEntry[]> {
    await this.refresh();
    const result: RegistryEntry[] = [];
    const entries = [...this.index.entries.values()];
    for (let i = entries.length - 1; i >= 0 && result.length < limit; i -= 1) {
      result.push({ ...entries[i]! });
    }
    return result;
  }

  async find(name: string): Promise<RegistryEntry | null> {
    // A registry that has not read its file yet (a CLI call) looks the one name up by a byte
    // search instead of folding the whole file; a long-lived one keeps the index.
    if (this.identity === null && this.scans < 3) {
      this.scans += 1;
      return this.scanFor(name);
    }
    await this.refresh();
    const entry = this.index.entries.get(name);
    return entry === undefined ? null : { ...entry };
  }

  async findAlive(): Promise<RegistryEntry[]> {
    const candidates = await this.getRecent(this.options.recentLimit ?? 50);
    const probed = await Promise.all(
      candidates.map(async (entry) => ({ entry, alive: await probeAlive(entry, this.options.probeTimeoutMs) })),
    );
    for (const { entry, alive } of probed) {
      if (alive && entry.stoppedAt !== null) await this.clearStopped(entry.containerName);
      if (!alive && entry.stoppedAt === null) await this.markStopped(entry.containerName);
    }
    return probed.filter((p) => p.alive).map((p) => ({ ...p.entry, stoppedAt: null }));
  }

  /** Rewrites the file with one line per container now (it also happens on its own as the file grows). */
  async compact(): Promise<void> {
    await this.locked(async () => {
      await this.refresh();
      await this.compactLocked();
    });
  }

  private async append(line: string): Promise<void> {
    await this.locked(() => this.appendLocked(line));
  }

  private async appendLocked(line: string): Promise<void> {
    let handle: FileHandle | undefined;
    try {
      // It holds bearer tokens: private to the user, whatever the umask (and even if an older version made it 0644).
      handle = await open(this.path, "a+", PRIVATE_FILE);
      const { size, mode } = await handle.stat();
      if ((mode & 0o077) !== 0) await handle.chmod(PRIVATE_FILE);
      let prefix = "";
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        // A torn line left by a crashed writer is closed off so that ours stays whole.
        if (last[0] !== 0x0a) prefix = "\n";
      }
      await handle.write(`${prefix}${line}\n`);
    } finally {
      await handle?.close();
    }
    await this.refresh();
    const live = this.index.entries.size;
    if (this.index.lines > 1_000 && this.index.lines > live * 2) await this.compactLocked();
  }

  private async compactLocked(): Promise<void> {
    const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    const body = [...this.index.entries.values()].map((entry) => JSON.stringify(entry)).join("\n");
    const handle = await open(tmp, "w", PRIVATE_FILE);
    try {
      await handle.writeFile(body === "" ? "" : `${body}\n`);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await unlink(tmp).catch(() => undefined);
      throw error;
    }
    await handle.close();
    await rename(tmp, this.path);
    this.identity = null;
    await this.refresh();
  }

  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    mkdirSync(dirname(this.path), { recursive: true, mode: PRIVATE_FOLDER });
    return withFileLock(this.lockPath, fn, this.options.lockTimeoutMs);
  }

  /** Brings the in-memory index up to date with the file, reading only what was appended. */
  private async refresh(): Promise<void> {
    let info;
    try {
      info = await stat(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      this.reset(null);
      return;
    }
    const same = this.identity !== null && this.identity.ino === info.ino && this.identity.dev === info.dev;
    if (!same || info.size < this.readOffset) this.reset({ ino: info.ino, dev: info.dev });
    if (info.size === this.readOffset) return;
    const handle = await open(this.path, "r");
    try {
      const length = info.size - this.readOffset;
      const buffer = Buffer.allocUnsafe(length);
      let read = 0;
      while (read < length) {
        const { bytesRead } = await handle.read(buffer, read, length - read, this.readOffset + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      this.consume(buffer.subarray(0, read));
    } finally {
      await handle.close();
    }
  }

  private async scanFor(name: string): Promise<RegistryEntry | null> {
    let buffer: Buffer;
    try {
      buffer = await readFile(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
    const needle = Buffer.from(JSON.stringify(name));
    const index: RegistryIndex = { entries: new Map(), lines: 0 };
    let from = 0;
    for (;;) {
      const hit = buffer.indexOf(needle, from);
      if (hit === -1) break;
      const start = buffer.lastIndexOf(0x0a, hit) + 1;
      const end = buffer.indexOf(0x0a, hit);
      if (end === -1) break;
      const problem = applyLine(index, buffer.toString("utf8", start, end), name);
      if (problem !== null) this.report({ file: this.path, byteOffset: start, message: problem });
      from = end + 1;
    }
    const entry = index.entries.get(name);
    return entry === undefined ? null : { ...entry };
  }

  private reset(identity: FileIdentity | null): void {
    this.index = { entries: new Map(), lines: 0 };
    this.identity = identity;
    this.readOffset = 0;
  }

  private consume(buffer: Buffer): void {
    let start = 0;
    for (;;) {
      const end = buffer.indexOf(0x0a, start);
      // A line without its newline yet is being written (or was torn): read it next time.
      if (end === -1) break;
      if (end > start) {
        const problem = applyLine(this.index, buffer.toString("utf8", start, end));
        if (problem !== null) this.report({ file: this.path, byteOffset: this.readOffset + start, message: problem });
      }
      start = end + 1;
    }
    this.readOffset += start;
  }

  private report(problem: RegistryProblem): void {
    this.problems.push(problem);
    if (this.problems.length > 100) this.problems.shift();
    this.options.onProblem?.(problem);
  }
}
