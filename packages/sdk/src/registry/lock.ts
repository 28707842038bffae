import { createHash, randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { link, open, readFile, unlink } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { isAlive } from "@app-building/types/process";
import { TimeoutError } from "../errors.js";

/** How long a caller waits for a lock held by a live process before giving up. */
const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

/** How long a lock file nobody can read must stay unchanged before it counts as abandoned. */
const UNREADABLE_GRACE_MS = 1_000;

interface LockOwner {
  pid: number;
  host: string;
}

function ownerOf(text: string): LockOwner | null {
  try {
    const parsed = JSON.parse(text) as Partial<LockOwner>;
    return typeof parsed.pid === "number" && typeof parsed.host === "string"
      ? { pid: parsed.pid, host: parsed.host }
      : null;
  } catch {
    return null;
  }
}

/** The lock file's text, or null when there is none. */
async function readLock(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

function isStale(owner: LockOwner | null): boolean {
  return owner !== null && owner.host === hostname() && !isAlive(owner.pid);
}

/**
 * Creates `path` holding `text`, only if it does not exist, in one step: the text is
 * written to a private file first and hard-linked into place, so nobody ever reads a
 * half-written lock. False when `path` is already there.
 */
async function createExclusive(path: string, text: string): Promise<boolean> {
  const draft = `${path}.${randomBytes(6).toString("hex")}.draft`;
  const handle = await open(draft, "wx", 0o600);
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
  try {
    await link(draft, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

/**
 * Removes the lock at `path` if it still holds `seen` (the text of an abandoned lock).
 * Only one process may try for a given text: it must first create a takeover file named
 * after that text. Since the abandoned lock's owner is gone, nobody else can change or
 * remove the lock while the takeover is held, so "still holds `seen`, then remove" is safe;
 * and a lock taken after it (by anyone) holds a new text that no takeover will ever match.
 * A takeover left by a process that died is itself taken over the same way.
 */
async function removeAbandoned(path: string, seen: string, me: string): Promise<void> {
  const takeover = `${path}.${createHash("sha256").update(seen).digest("hex").slice(0, 16)}.takeover`;
  if (!(await createExclusive(takeover, me))) {
    const holder = await readLock(takeover);
    if (holder !== null && isStale(ownerOf(holder))) await removeAbandoned(takeover, holder, me);
    return;
  }
  try {
    if ((await readLock(path)) === seen) await unlink(path).catch(() => undefined);
  } finally {
    await unlink(takeover).catch(() => undefined);
  }
}

/**
 * Runs `fn` while holding an exclusive lock file, shared by every process on this machine.
 * The lock holds a text unique to this holder (pid, host, a random token), and only its
 * holder removes it, and only while it still holds that text. A lock left by a process that
 * died is taken over (see `removeAbandoned`: one process at a time, never someone else's
 * newer lock); a lock held by a live process is waited for with a short randomised backoff,
 * up to `timeoutMs`.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  timeoutMs = DEFAULT_LOCK_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const me = JSON.stringify({
    pid: process.pid,
    host: hostname(),
    token: randomBytes(12).toString("hex"),
    at: new Date().toISOString(),
  });
  let delay = 1;
  let unreadable: { text: string; since: number } | null = null;
  for (;;) {
    if (await createExclusive(lockPath, me)) break;
    const text = await readLock(lockPath);
    if (text === null) continue;
    const owner = ownerOf(text);
    if (isStale(owner)) {
      await removeAbandoned(lockPath, text, me);
      continue;
    }
    // A lock whose owner cannot be read was left half-written by a crash (or by an older
    // version that wrote it in place): it is abandoned once it stays the same for a second.
    if (owner === null) {
      if (unreadable === null || unreadable.text !== text) unreadable = { text, since: Date.now() };
      if (Date.now() - unreadable.since > UNREADABLE_GRACE_MS) {
        await removeAbandoned(lockPath, text, me);
        unreadable = null;
        continue;
      }
    } else {
      unreadable = null;
    }
    if (Date.now() >= deadline) {
      throw new TimeoutError(
        `Timed out after ${timeoutMs} ms waiting for the registry lock ${lockPath}` +
          (owner ? ` held by process ${owner.pid}` : "") +
          "; if no app-building process is running, delete the lock file.",
      );
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 25);
  }
  try {
    return await fn();
  } finally {
    // Ours to remove only while it is still ours (it always is unless this process was
    // thought dead, and then it is someone else's now).
    if ((await readLock(lockPath).catch(() => null)) === me) await unlink(lockPath).catch(() => undefined);
  }
}
