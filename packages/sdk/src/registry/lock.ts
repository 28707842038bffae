import { hostname } from "node:os";
import { open, readFile, unlink } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { TimeoutError } from "../errors.js";
import { isProcessAlive } from "../pid.js";

/** How long a caller waits for a lock held by a live process before giving up. */
const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

interface LockOwner {
  pid: number;
  host: string;
}

async function readOwner(lockPath: string): Promise<LockOwner | null> {
  try {
    const parsed = JSON.parse(await readFile(lockPath, "utf8")) as Partial<LockOwner>;
    return typeof parsed.pid === "number" && typeof parsed.host === "string"
      ? { pid: parsed.pid, host: parsed.host }
      : null;
  } catch {
    return null;
  }
}

/**
 * Runs `fn` while holding an exclusive lock file (`O_CREAT|O_EXCL`), shared by every
 * process on this machine. A lock left by a process that died is taken over; a lock held
 * by a live process is waited for with a short randomised backoff, up to `timeoutMs`.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  timeoutMs = DEFAULT_LOCK_TIMEOUT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const me = JSON.stringify({ pid: process.pid, host: hostname(), at: new Date().toISOString() });
  let delay = 1;
  let emptyOwnerSince: number | null = null;
  for (;;) {
    try {
      const handle = await open(lockPath, "wx");
      try {
        await handle.writeFile(me);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const owner = await readOwner(lockPath);
    if (owner !== null && owner.host === hostname() && !isProcessAlive(owner.pid)) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    // A lock file with no readable owner is one being written right now, or one whose
    // writer died between creating and writing it: the latter is taken over after a second.
    if (owner === null) {
      emptyOwnerSince ??= Date.now();
      if (Date.now() - emptyOwnerSince > 1_000) {
        await unlink(lockPath).catch(() => undefined);
        emptyOwnerSince = null;
        continue;
      }
    } else {
      emptyOwnerSince = null;
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
    await unlink(lockPath).catch(() => undefined);
  }
}
