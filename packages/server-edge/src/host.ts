import { isLoopbackAddress } from "./loopback.js";

/**
 * Splits a `Host` header value into its name (lower case, IPv6 without brackets) and port.
 * `undefined` for a value that is not a host.
 */
export function parseHost(value: string | undefined): { name: string; port: string | undefined } | undefined {
  if (value === undefined) return undefined;
  const host = value.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(host);
  if (match === null) return undefined;
  const raw = match[1] ?? "";
  const name = raw.startsWith("[") ? raw.slice(1, -1) : raw.replace(/\.$/, "");
  return name === "" ? undefined : { name, port: match[2] };
}

/**
 * The `Host` rule against DNS rebinding: a request must name this server, either by a
 * loopback literal (`127.0.0.1`, `[::1]`, ...) or `localhost` with any port, or by one of
 * the server's own names. A page on `rebind.attacker.example` that resolves to 127.0.0.1
 * sends its own name and is refused.
 *
 * @param ownNames the server's own host names (lower case, without a port), such as the
 *   host of its public URL.
 * @example
 * ```ts
 * isAllowedHost("127.0.0.1:4000", []); // true
 * isAllowedHost("rebind.attacker.example", []); // false
 * ```
 */
export function isAllowedHost(value: string | undefined, ownNames: readonly string[] = []): boolean {
  const host = parseHost(value);
  if (host === undefined) return false;
  if (host.name === "localhost" || isLoopbackAddress(host.name)) return true;
  return ownNames.some((own) => own.toLowerCase() === host.name);
}
