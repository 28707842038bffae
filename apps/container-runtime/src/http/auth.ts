import { createHash, timingSafeEqual } from "node:crypto";

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * Whether an `Authorization` header carries the expected bearer token. Both sides are
 * hashed first, so the comparison takes the same time whatever the length or content.
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(.+)$/i.exec(header ?? "")?.[1]?.trim() ?? "";
  const equal = timingSafeEqual(digest(presented), digest(token));
  return equal && presented !== "";
}

/** Whether a peer address is the loopback interface (IPv4, IPv6 or IPv4-mapped). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === "::1" || /^(::ffff:)?127\./.test(address);
}

/** Headers a proxy adds: a request carrying any of them did not come straight from loopback. */
export const PROXY_HEADERS = ["x-forwarded-for", "x-real-ip", "forwarded", "fly-client-ip", "via"] as const;
