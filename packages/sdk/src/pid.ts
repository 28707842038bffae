/**
 * Whether a process exists: signal 0 checks without touching it. A process owned by
 * another user answers EPERM, which still means it is there.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
