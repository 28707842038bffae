import { describe, expect, it } from "vitest";
import { z } from "zod";
import { buildOpenApiDocument } from "./openapi.js";

const status = z.enum(["queued", "done"]);
const job = z.object({ id: z.string(), status, note: z.string().nullable().meta({ description: "Why." }) });

const document = buildOpenApiDocument({
  info: { title: "jobs", version: "1.0.0" },
  securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
  security: ["bearer"],
  schemas: { Status: status, Job: job },
  routes: [
    { method: "get", path: "/health", summary: "Up", security: [], responses: { 200: { description: "Up" } } },
    {
      method: "get",
      path: "/jobs/{id}",
      summary: "One job",
      query: z.object({ wait: z.enum(["yes", "no"]).optional().meta({ description: "Wait for the end." }) }),
      responses: {
        200: { description: "The job", schema: z.object({ job, log: z.string() }) },
        404: { description: "No such job", text: "text/plain" },
      },
    },
  ],
}) as { paths: Record<string, Record<string, Record<string, unknown>>>; components: Record<string, unknown> };

describe("an OpenAPI document made from zod schemas", () => {
  it("names each named schema once and refers to it wherever it is used", () => {
    expect(document.components.schemas).toEqual({
      Status: { type: "string", enum: ["queued", "done"] },
      Job: {
        type: "object",
        properties: {
          id: { type: "string" },
          status: { $ref: "#/components/schemas/Status" },
          note: { type: ["string", "null"], description: "Why." },
        },
        required: ["id", "status", "note"],
        additionalProperties: false,
      },
    });
    expect(document.paths["/jobs/{id}"]!.get!.responses).toEqual({
      200: {
        description: "The job",
        content: {
          "application/json": {
            schema: {
              type: "object",
              properties: { job: { $ref: "#/components/schemas/Job" }, log: { type: "string" } },
              required: ["job", "log"],
              additionalProperties: false,
            },
          },
        },
      },
      404: { description: "No such job", content: { "text/plain": { schema: { type: "string" } } } },
    });
  });

  it("makes path and query parameters, and opens a route whose security is empty", () => {
    expect(document.paths["/jobs/{id}"]!.get!.parameters).toEqual([
      { name: "id", in: "path", required: true, schema: { type: "string" } },
      {
        name: "wait",
        in: "query",
        required: false,
        description: "Wait for the end.",
        schema: { type: "string", enum: ["yes", "no"] },
      },
    ]);
    expect(document.paths["/health"]!.get!.security).toEqual([]);
    expect(document.paths["/jobs/{id}"]!.get!.security).toBeUndefined();
  });
});
