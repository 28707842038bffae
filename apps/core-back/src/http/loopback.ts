import type { IncomingHttpHeaders } from "node:http";

/** Headers a proxy adds: a request carrying any of them did not come from this machine directly. */
export const PROXY_HEADERS = ["x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host"] as const;

/**
 * Whether a socket peer address is loopback: 127.0.0.0/8, ::1, or either as an
 * IPv4-mapped IPv6 address.
 */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined || address === "") return false;
  let host = address.toLowerCase();
  if (host.startsWith("::ffff:")) host = host.slice("::ffff:".length);
  if (host === "::1" || host === "0:0:0:0:0:0:0:1") return true;
  const parts = host.split(".");
  if (parts.length !== 4 || parts[0] !== "127") return false;
  return parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
}

/** The outcome of checking whether a request is local. */
export type LocalCheck = { local: true } | { local: false; reason: "remote_peer" | "proxied" };

/**
 * A request is local when its socket peer is loopback and it carries no proxy header:
 * a reverse proxy on this machine is itself a loopback peer, so its headers decide.
 */
export function checkLocalRequest(remoteAddress: string | undefined, headers: IncomingHttpHeaders): LocalCheck {
  if (!isLoopbackAddress(remoteAddress)) return { local: false, reason: "remote_peer" };
  if (PROXY_HEADERS.some((name) => headers[name] !== undefined)) return { local: false, reason: "proxied" };
  return { local: true };
}
