import { createHash, timingSafeEqual } from "node:crypto";

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * Builds a check of `Authorization` headers against the expected bearer token. Both sides
 * are hashed first, so the comparison takes the same time whatever the length or content
 * of what is presented; the token's own digest is computed once.
 */
export function bearerChecker(token: string): (header: string | undefined) => boolean {
  const expected = digest(token);
  return (header) => {
    const presented = /^Bearer\s+(.+)$/i.exec(header ?? "")?.[1]?.trim() ?? "";
    const equal = timingSafeEqual(digest(presented), expected);
    return equal && presented !== "";
  };
}

/** Whether a peer address is the loopback interface (IPv4, IPv6 or IPv4-mapped). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === "::1" || /^(::ffff:)?127\./.test(address);
}

/** Headers a proxy adds: a request carrying any of them did not come straight from loopback. */
export const PROXY_HEADERS = ["x-forwarded-for", "x-real-ip", "forwarded", "fly-client-ip", "via"] as const;
