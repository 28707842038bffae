import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OPENAPI_DOCUMENT, ROUTES } from "./openapi.js";

describe("the OpenAPI document", () => {
  it("is the one checked in beside the self-edit API docs", () => {
    const checkedIn: unknown = JSON.parse(
      readFileSync(new URL("../../../../docs/self-edit/openapi.json", import.meta.url), "utf8"),
    );
    // Regenerate after changing a route or a schema it is made from (then prettier --write it):
    // node -e "import('./apps/core-back/dist/http/openapi.js').then(m => console.log(JSON.stringify(m.OPENAPI_DOCUMENT, null, 2)))" > docs/self-edit/openapi.json
    expect(checkedIn).toEqual(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)));
  });

  it("names only security schemes it defines", () => {
    const schemes = Object.keys((OPENAPI_DOCUMENT.components as { securitySchemes: object }).securitySchemes);
    for (const route of ROUTES) {
      for (const scheme of route.security ?? []) expect(schemes, `${route.method} ${route.path}`).toContain(scheme);
    }
  });

  it("refers only to schemas it has", () => {
    const text = JSON.stringify(OPENAPI_DOCUMENT);
    const schemas = Object.keys((OPENAPI_DOCUMENT.components as { schemas: object }).schemas);
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/(\w+)"/g)) expect(schemas).toContain(name);
    expect(text).not.toContain("#/$defs/");
  });
});
