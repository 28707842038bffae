import { z } from "zod";

/** One answer of a route: a JSON body described by a zod schema, and/or a text body. */
export interface OpenApiResponse {
  description: string;
  /** The JSON body (`application/json`). */
  schema?: z.ZodType;
  /** A text body the route answers with instead (a log, an SSE stream). */
  text?: "text/plain" | "text/event-stream";
}

/** One route as an OpenAPI document describes it, its bodies and query as zod schemas. */
export interface OpenApiRoute {
  method: "get" | "post" | "put" | "delete";
  /** OpenAPI path (`/deploy/{id}`): each `{name}` becomes a required string path parameter. */
  path: string;
  summary: string;
  description?: string;
  /**
   * The security schemes that each allow the route (any one is enough); `[]` for a route
   * open to everyone; absent: the document's default `security`.
   */
  security?: readonly string[];
  /** The JSON request body. */
  body?: z.ZodType;
  /** Whether the body may be left out (default: required). */
  bodyOptional?: boolean;
  /** The query: each field of the object is one query parameter (its description hoisted). */
  query?: z.ZodObject;
  headers?: readonly { name: string; description: string }[];
  responses: Readonly<Record<number, OpenApiResponse>>;
}

/** What a whole document is built from. */
export interface OpenApiSpec {
  info: { title: string; version: string; description?: string };
  servers?: readonly { url: string }[];
  securitySchemes: Readonly<Record<string, Record<string, unknown>>>;
  /** The schemes every route not naming its own allows. */
  security?: readonly string[];
  /**
   * Named schemas: emitted once under `components.schemas`, and referenced (`$ref`) wherever
   * a route or another schema uses the same zod schema object.
   */
  schemas?: Readonly<Record<string, z.ZodType>>;
  routes: readonly OpenApiRoute[];
}

type JsonObject = Record<string, unknown>;

/**
 * Builds an OpenAPI 3.1 document from zod schemas: the one generator of the servers'
 * documents, so a contract is derived from the schemas that validate it, never retyped.
 */
export function buildOpenApiDocument(spec: OpenApiSpec): JsonObject {
  const names = new Map<z.ZodType, string>(Object.entries(spec.schemas ?? {}).map(([name, schema]) => [schema, name]));
  const convert = (schema: z.ZodType, io: "input" | "output"): JsonObject => {
    const name = names.get(schema);
    if (name !== undefined) return { $ref: `#/components/schemas/${name}` };
    return toJsonSchema(schema, io, names);
  };

  const paths: Record<string, JsonObject> = {};
  for (const route of spec.routes) {
    const parameters: JsonObject[] = [];
    for (const match of route.path.matchAll(/\{(\w+)\}/g)) {
      parameters.push({ name: match[1], in: "path", required: true, schema: { type: "string" } });
    }
    for (const [name, field] of Object.entries(route.query?.shape ?? {})) {
      const { description, ...schema } = convert(field as z.ZodType, "input");
      parameters.push({
        name,
        in: "query",
        required: !(field as z.ZodType).safeParse(undefined).success,
        ...(description === undefined ? {} : { description }),
        schema,
      });
    }
    for (const header of route.headers ?? []) {
      parameters.push({
        name: header.name,
        in: "header",
        required: false,
        description: header.description,
        schema: { type: "string" },
      });
    }
    const responses: JsonObject = {};
    for (const [status, response] of Object.entries(route.responses)) {
      const content: JsonObject = {};
      if (response.schema !== undefined) content["application/json"] = { schema: convert(response.schema, "output") };
      if (response.text !== undefined) content[response.text] = { schema: { type: "string" } };
      responses[status] = {
        description: response.description,
        ...(Object.keys(content).length > 0 ? { content } : {}),
      };
    }
    (paths[route.path] ??= {})[route.method] = {
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      ...(route.security === undefined ? {} : { security: route.security.map((scheme) => ({ [scheme]: [] })) }),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body === undefined
        ? {}
        : {
            requestBody: {
              required: route.bodyOptional !== true,
              content: { "application/json": { schema: convert(route.body, "input") } },
            },
          }),
      responses,
    };
  }

  const schemas: JsonObject = {};
  for (const [schema, name] of names) schemas[name] = toJsonSchema(schema, "output", names);
  return {
    openapi: "3.1.0",
    info: spec.info,
    ...(spec.servers === undefined ? {} : { servers: spec.servers }),
    components: {
      securitySchemes: spec.securitySchemes,
      ...(names.size > 0 ? { schemas } : {}),
    },
    ...(spec.security === undefined ? {} : { security: spec.security.map((scheme) => ({ [scheme]: [] })) }),
    paths,
  };
}

/**
 * A zod schema as JSON Schema (2020-12, what OpenAPI 3.1 uses), every named schema inside
 * it a `$ref` to its component. Types JSON cannot carry (a `data` of unknown shape) become
 * `{}`.
 */
function toJsonSchema(schema: z.ZodType, io: "input" | "output", names: ReadonlyMap<z.ZodType, string>): JsonObject {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    override: ({ zodSchema, jsonSchema }) => {
      const name = names.get(zodSchema as unknown as z.ZodType);
      if (name === undefined || (zodSchema as unknown) === schema) return;
      for (const key of Object.keys(jsonSchema)) delete (jsonSchema as JsonObject)[key];
      (jsonSchema as JsonObject).$ref = `#/components/schemas/${name}`;
    },
  }) as JsonObject;
  return json;
}
