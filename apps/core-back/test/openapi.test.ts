import type { Express } from "express";
import { describe, expect, it } from "vitest";
import { ROUTES } from "../src/http/openapi.js";
import { useTestServer } from "./http-harness.js";

const { server } = useTestServer();

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** `get /deploy/{id}` for every route of the app and of the routers it mounts, in OpenAPI's path syntax. */
function servedRoutes(app: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route !== undefined) {
        const path = layer.route.path.replace(/:(\w+)/g, "{$1}");
        for (const method of Object.keys(layer.route.methods)) found.push(`${method} ${path}`);
      } else if (layer.handle?.stack !== undefined) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return found;
}

describe("the OpenAPI document", () => {
  it("documents exactly the routes core-back serves, Better-Auth's own aside", async () => {
    const served = servedRoutes(server.app).filter((route) => !route.includes("/api/auth/"));
    expect(served.sort()).toEqual(ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    const answered = await server.call("GET", "/api/v1/openapi.json");
    expect(answered.status).toBe(200);
    expect(Object.keys(answered.body.paths as object).sort()).toEqual([...new Set(ROUTES.map((r) => r.path))].sort());
  });
});
