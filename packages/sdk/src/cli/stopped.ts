import type { RegistryEntry } from "../registry/registry.js";
import { isContainerGone, readStoppedContainer } from "../stopped/read.js";
import type { StoppedContainer } from "../stopped/outcome.js";
import type { ContainerConfig } from "../state.js";

/** Whether a registry entry names a container that has exited (marked stopped, or its process or container is gone); marks it stopped. */
export async function hasExited(config: ContainerConfig, entry: RegistryEntry): Promise<boolean> {
  if (entry.stoppedAt !== null) return true;
  if (!(await isContainerGone(entry))) return false;
  await config.registry.markStopped(entry.containerName);
  return true;
}

/** What an exited container left, as {@link readStoppedContainer} reads it with the CLI's state folder. */
export async function readExited(config: ContainerConfig, entry: RegistryEntry): Promise<StoppedContainer> {
  return readStoppedContainer(entry, { stateDir: config.stateDir });
}

/** A stopped container for people: its state, final revision, push outcome and last message. */
export function formatStopped(s: StoppedContainer): string {
  const pushed =
    s.pushed === true
      ? `pushed to ${s.pushBranch ?? "?"}`
      : s.pushed === false
        ? `push FAILED: ${s.pushError ?? "not pushed"}`
        : "nothing pushed";
  const lines = [
    `${s.containerName}  stopped  (${s.driver})${s.stoppedCleanly === false ? "  (it did not finish its stop)" : ""}`,
    `  branch ${s.pushBranch ?? "-"}  revision ${s.revision ?? "-"}  ${pushed}`,
  ];
  if (s.totalCostUsd !== null) lines.push(`  cost $${s.totalCostUsd.toFixed(4)}`);
  const m = s.lastMessage;
  if (m !== null) {
    lines.push(
      `  last message ${m.id} ${m.status}${m.status === "done" ? `: ${m.result ?? ""}` : m.error === null ? "" : `: ${m.error}`}`,
    );
  } else if (s.source === "none") {
    lines.push("  nothing is left to read (its folder was removed, or a Fly machine exited on its own)");
  }
  return `${lines.join("\n")}\n`;
}
