import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { OPENAPI_DOCUMENT } from "./openapi.js";

describe("the OpenAPI document", () => {
  it("is the one checked in beside the self-edit API docs", () => {
    const checkedIn: unknown = JSON.parse(
      readFileSync(new URL("../../../../docs/self-edit/openapi.json", import.meta.url), "utf8"),
    );
    // Regenerate after changing openapi.ts:
    // node -e "import('./apps/core-back/dist/http/openapi.js').then(m => console.log(JSON.stringify(m.OPENAPI_DOCUMENT, null, 2)))" > docs/self-edit/openapi.json
    expect(checkedIn).toEqual(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)));
  });

  it("documents every route core-back serves", () => {
    expect(Object.keys(OPENAPI_DOCUMENT.paths).sort()).toEqual([
      "/api/v1/self/deploy",
      "/deploy",
      "/deploy/mode",
      "/deploy/releases",
      "/deploy/rollback",
      "/deploy/{id}",
      "/deploy/{id}/cancel",
      "/deploy/{id}/log",
      "/health",
    ]);
  });
});
