import { BlockList, isIP } from "node:net";
import type { HeaderMap } from "./headers.js";

/**
 * The headers proxies, CDNs and load balancers add to say who the client really is or how
 * the request travelled. A request carrying any of them did not come straight from this
 * machine: a proxy on this machine is itself a loopback peer, so its headers decide.
 * Every `X-Forwarded-*` header counts, whatever its suffix.
 */
export const FORWARDING_HEADERS: readonly string[] = [
  "forwarded",
  "via",
  "x-forwarded-for",
  "x-forwarded-host",
  "x-forwarded-proto",
  "x-forwarded-port",
  "x-forwarded-server",
  "x-forwarded-prefix",
  "x-real-ip",
  "x-client-ip",
  "x-cluster-client-ip",
  "x-original-forwarded-for",
  "x-original-host",
  "x-proxyuser-ip",
  "x-appengine-user-ip",
  "x-azure-clientip",
  "x-azure-socketip",
  "client-ip",
  "true-client-ip",
  "cf-connecting-ip",
  "cf-connecting-ipv6",
  "cf-ray",
  "fly-client-ip",
  "fly-forwarded-port",
  "fly-request-id",
  "fastly-client-ip",
  "akamai-origin-hop",
];

const FORWARDING = new Set(FORWARDING_HEADERS);

/**
 * The first forwarding header a request carries, or `undefined`.
 *
 * @example
 * ```ts
 * forwardingHeader(normalizeHeaders({ "Fly-Client-IP": "1.2.3.4" })); // "fly-client-ip"
 * ```
 */
export function forwardingHeader(headers: HeaderMap): string | undefined {
  for (const name of headers.keys()) {
    if (FORWARDING.has(name) || name.startsWith("x-forwarded-")) return name;
  }
  return undefined;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/**
 * Whether an address is loopback: 127.0.0.0/8, `::1` (in any spelling), or an IPv4 loopback
 * address mapped into IPv6 (`::ffff:127.0.0.1`, `::ffff:7f00:1`). Anything that is not an IP
 * address literal (a name, a zone-scoped address, an empty string) is not.
 *
 * @example
 * ```ts
 * isLoopbackAddress(req.socket.remoteAddress); // true for 127.0.0.1, ::1, ::ffff:127.0.0.1
 * ```
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 0) return false;
  return LOOPBACK.check(bare, family === 4 ? "ipv4" : "ipv6");
}

/** The outcome of judging whether a request came straight from this machine. */
export type LocalCheck = { local: true } | { local: false; reason: "remote_peer" | "proxied"; header?: string };

/**
 * A request is local when its socket peer is loopback and it carries no forwarding header.
 *
 * @example
 * ```ts
 * const check = checkLocal(req.socket.remoteAddress, normalizeHeaders(req.headers));
 * if (!check.local) refuse(check.reason);
 * ```
 */
export function checkLocal(remoteAddress: string | undefined, headers: HeaderMap): LocalCheck {
  if (!isLoopbackAddress(remoteAddress)) return { local: false, reason: "remote_peer" };
  const header = forwardingHeader(headers);
  if (header !== undefined) return { local: false, reason: "proxied", header };
  return { local: true };
}
