import type { HeaderMap } from "./headers.js";

/**
 * Whether a request declares (`Content-Length`) a body over the limit: refuse it before
 * reading anything.
 *
 * @example
 * ```ts
 * if (declaredLengthExceeds(headers, 16 * 1024)) throw new EdgeError(refusals.payloadTooLarge(16 * 1024));
 * ```
 */
export function declaredLengthExceeds(headers: HeaderMap, limitBytes: number): boolean {
  const declared = Number(headers.get("content-length"));
  return Number.isFinite(declared) && declared > limitBytes;
}
