import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** The size of the log tail a self-deploy answers with. */
export const LOG_TAIL_BYTES = 8 * 1024;

/** Whether a byte continues a multi-byte UTF-8 sequence (10xxxxxx). */
function isContinuation(byte: number): boolean {
  return (byte & 0xc0) === 0x80;
}

/** How many bytes the UTF-8 sequence starting with `lead` has (1 for invalid leads). */
function sequenceLength(lead: number): number {
  if (lead >= 0xf0 && lead <= 0xf7) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

/**
 * Cuts a byte window so it starts and ends on UTF-8 character boundaries: drops the
 * continuation bytes of a character cut at the front, and a character cut at the end
 * (a log still being written may end mid-character).
 */
export function trimToUtf8Boundaries(bytes: Buffer, cutAtStart: boolean): Buffer {
  let start = 0;
  if (cutAtStart) {
    while (start < bytes.length && start < 4 && isContinuation(bytes[start] ?? 0)) start += 1;
  }
  let end = bytes.length;
  // Walk back over at most 3 continuation bytes to the last lead byte and check it is complete.
  let lead = end - 1;
  while (lead >= start && end - lead <= 4 && isContinuation(bytes[lead] ?? 0)) lead -= 1;
  if (lead >= start) {
    const need = sequenceLength(bytes[lead] ?? 0);
    if (need > 1 && end - lead < need) end = lead;
  }
  return bytes.subarray(start, end);
}

/**
 * The last `maxBytes` of a file as text, read from the file's end with one positioned
 * read, so it costs the same for a 1 KB log as for a 1 GB one. Cut on UTF-8 boundaries.
 * A missing file gives an empty string.
 */
export function readLogTail(path: string, maxBytes: number = LOG_TAIL_BYTES): string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return "";
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    if (length === 0) return "";
    const buffer = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, size - length + read);
      if (n === 0) break;
      read += n;
    }
    return trimToUtf8Boundaries(buffer.subarray(0, read), size > length).toString("utf8");
  } finally {
    closeSync(fd);
  }
}
