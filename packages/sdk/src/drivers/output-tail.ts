import { open } from "node:fs/promises";

/** The last `maxBytes` of a file as text (empty when it does not exist). */
export async function fileTail(path: string, maxBytes = 4096): Promise<string> {
  try {
    const handle = await open(path, "r");
    try {
      const { size } = await handle.stat();
      const length = Math.min(size, maxBytes);
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, size - length);
      return buffer.toString("utf8");
    } finally {
      await handle.close();
    }
  } catch {
    return "";
  }
}
