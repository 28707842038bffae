import { existsSync } from "node:fs";
import { unlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { FileContainerRegistry } from "./file-registry.js";

/** The registry file older versions of the CLI kept in the current directory. */
export const LEGACY_REGISTRY_NAME = ".container-registry.jsonl";

/** What {@link moveLegacyRegistry} did. */
export interface LegacyMove {
  from: string;
  to: string;
  /** Entries copied into the new registry (those it did not know yet). */
  moved: number;
}

/**
 * Moves the registry an older CLI left in `cwd` (`./.container-registry.jsonl`, with live
 * bearer tokens, inside the user's checkout) into `registry`: every entry the new registry
 * does not know is logged there with its stopped mark, then the old file and its lock are
 * deleted. Returns `null` when there is nothing to move.
 */
export async function moveLegacyRegistry(cwd: string, registry: FileContainerRegistry): Promise<LegacyMove | null> {
  const from = join(cwd, LEGACY_REGISTRY_NAME);
  if (!existsSync(from) || resolve(from) === registry.path) return null;
  const legacy = new FileContainerRegistry(from);
  const entries = await legacy.getRecent(Number.MAX_SAFE_INTEGER);
  let moved = 0;
  // Oldest first, so the new registry keeps their order.
  for (const entry of entries.reverse()) {
    if ((await registry.find(entry.containerName)) !== null) continue;
    await registry.logEntry(entry);
    moved += 1;
  }
  await unlink(from);
  await unlink(`${from}.lock`).catch(() => undefined);
  return { from, to: registry.path, moved };
}
