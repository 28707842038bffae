import type { HeaderMap } from "./headers.js";
import { refusals, type Refusal } from "./refusal.js";

/** Methods that never change state: the rule leaves them alone. */
const SAFE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "OPTIONS"]);

/** What a server accepts in a state-changing request. */
export interface StateChangeOptions {
  /**
   * Body media types accepted (`application/json` by default; `+json` types count as JSON).
   * A browser page on another origin can send `text/plain`, form-urlencoded and multipart
   * bodies without asking, never JSON: JSON only is what keeps such pages out.
   */
  contentTypes?: readonly string[];
  /** Origins besides the server's own that may send state-changing requests (exact `scheme://host:port`). */
  allowedOrigins?: readonly string[];
  /**
   * Refuse a state-changing request that names no origin at all (neither `Origin` nor
   * `Sec-Fetch-Site: same-origin`). For a server whose pages post forms, where the content
   * type cannot tell a browser from a page on another site.
   */
  requireOrigin?: boolean;
}

/** The request as the rule sees it. */
export interface StateChangeRequest {
  method: string;
  /** The `Host` the request was sent to (`host[:port]`). */
  host: string | undefined;
  headers: HeaderMap;
}

function mediaType(contentType: string): string {
  return (contentType.split(";")[0] ?? "").trim().toLowerCase();
}

function hasBody(headers: HeaderMap): boolean {
  const length = headers.get("content-length");
  if (headers.has("transfer-encoding")) return true;
  return length !== undefined && length.trim() !== "0";
}

/** Whether a media type is acceptable: listed, or `+json` when JSON is listed. */
function accepted(type: string, allowed: readonly string[]): boolean {
  if (allowed.includes(type)) return true;
  return allowed.includes("application/json") && /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/**
 * The rule for requests that change state, which a page on another site (or on another
 * port of 127.0.0.1, which browsers count as the same site) must never be able to send:
 * - a body must have an accepted content type (JSON unless told otherwise);
 * - `Origin`, when sent, must be this server's own origin or an allowed one (`null` never is);
 * - `Sec-Fetch-Site` must not be `cross-site`, nor `same-site` unless the origin is allowed
 *   ("same-site" ignores ports, so a page on another 127.0.0.1 port is same-site).
 *
 * @returns `undefined` when the request may go on, else the refusal.
 * @example
 * ```ts
 * const refusal = checkStateChange({ method: "POST", host: "127.0.0.1:4000", headers });
 * if (refusal !== undefined) throw new EdgeError(refusal);
 * ```
 */
export function checkStateChange(request: StateChangeRequest, options: StateChangeOptions = {}): Refusal | undefined {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return undefined;
  const { headers } = request;
  const allowedTypes = options.contentTypes ?? ["application/json"];
  const contentType = headers.get("content-type");
  if (contentType !== undefined || hasBody(headers)) {
    const type = mediaType(contentType ?? "");
    if (!accepted(type, allowedTypes)) return refusals.unsupportedMediaType(type, allowedTypes);
  }
  const origin = headers.get("origin");
  // A repeated header arrives joined with ", ": every value counts, so a second one cannot hide the first.
  const fetchSites = (headers.get("sec-fetch-site") ?? "")
    .split(",")
    .map((site) => site.trim().toLowerCase())
    .filter((site) => site !== "");
  const allowedOrigin = origin !== undefined && (options.allowedOrigins ?? []).includes(origin);
  if (origin !== undefined && !allowedOrigin && !isSameOrigin(origin, request.host)) {
    return refusals.foreignOrigin(origin);
  }
  const foreignSite = fetchSites.find((site) => site === "cross-site" || (site === "same-site" && !allowedOrigin));
  if (foreignSite !== undefined) return refusals.foreignOrigin(origin ?? `a ${foreignSite} page`);
  const sameOriginPage = fetchSites.length === 1 && fetchSites[0] === "same-origin";
  if (options.requireOrigin === true && origin === undefined && !sameOriginPage) {
    return refusals.foreignOrigin("a page that names no origin");
  }
  return undefined;
}

/** Whether `origin` is `http(s)://<host>` for the request's own `Host`. */
export function isSameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined || origin === "null") return false;
  try {
    const url = new URL(origin);
    if (url.protocol !== "http:" && url.protocol !== "https:") return false;
    if (url.pathname !== "/" || url.search !== "" || url.username !== "") return false;
    return url.host === new URL(`${url.protocol}//${host}`).host;
  } catch {
    return false;
  }
}
