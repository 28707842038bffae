/**
 * Request headers as any server sees them: Node's `IncomingHttpHeaders`, a fetch `Headers`,
 * or a plain record. Names are matched case-insensitively.
 */
export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** The headers as a record with lower-case names and one string value per name. */
export type HeaderMap = ReadonlyMap<string, string>;

/**
 * Reads any header source into a map with lower-case names (repeated values joined by `, `).
 *
 * @example
 * ```ts
 * const headers = normalizeHeaders(req.headers);
 * headers.get("x-forwarded-for");
 * ```
 */
export function normalizeHeaders(source: HeaderSource): HeaderMap {
  const map = new Map<string, string>();
  const add = (name: string, value: string | readonly string[] | undefined): void => {
    if (value === undefined) return;
    const text = typeof value === "string" ? value : value.join(", ");
    const key = name.toLowerCase();
    const previous = map.get(key);
    map.set(key, previous === undefined ? text : `${previous}, ${text}`);
  };
  if (typeof (source as Headers).forEach === "function" && typeof (source as Headers).get === "function") {
    (source as Headers).forEach((value, name) => add(name, value));
  } else {
    for (const [name, value] of Object.entries(source as Record<string, string | readonly string[] | undefined>)) {
      add(name, value);
    }
  }
  return map;
}
