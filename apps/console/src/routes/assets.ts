import { readFile } from "node:fs/promises";
import { Hono } from "hono";

/** `apps/console/public`, seen from `src/routes` and `dist/routes` alike. */
const PUBLIC_DIR = new URL("../../public/", import.meta.url);

const ASSETS: Record<string, string> = {
  "console.js": "text/javascript; charset=utf-8",
  "console.css": "text/css; charset=utf-8",
};

/** `/assets/console.{js,css}` (read once, then served from memory) and `/favicon.ico`. */
export function assetRoutes(): Hono {
  const routes = new Hono();
  const cache = new Map<string, Promise<Buffer>>();

  routes.get("/assets/:file", async (c) => {
    const file = c.req.param("file");
    const type = ASSETS[file];
    if (type === undefined) return c.notFound();
    let body = cache.get(file);
    if (body === undefined) {
      body = readFile(new URL(file, PUBLIC_DIR));
      cache.set(file, body);
    }
    return c.body(new Uint8Array(await body), 200, { "content-type": type, "cache-control": "no-cache" });
  });

  // Pages name a data: icon; this answers browsers that ask anyway, without a 404.
  routes.get("/favicon.ico", (c) => c.body(null, 204, { "cache-control": "max-age=86400" }));

  return routes;
}
