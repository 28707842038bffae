import express from "express";
import type { RequestHandler } from "express";
import type { z } from "zod";
import { selfDeployRequestSchema, type SelfDeployRequest } from "@app-building/types";
import { InvalidBodyError, InvalidQueryError, InvalidScopeError } from "../errors.js";

/**
 * A JSON body parser with a size limit that accepts only objects and arrays. The edge has
 * already refused any body whose content type is not JSON.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  return express.json({ limit: limitBytes, strict: true, type: () => true });
}

/** One readable sentence per zod issue, naming the field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      if (issue.code === "unrecognized_keys")
        return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((key) => `"${key}"`).join(", ")}`;
      const field = issue.path.length > 0 ? `"${issue.path.join(".")}"` : "the body";
      return `${field}: ${issue.message}`;
    })
    .join("; ");
}

/** A body that is absent, or a JSON object. */
function asObject(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InvalidBodyError('the body must be a JSON object such as {"scope":"platform"}');
  }
  return body as Record<string, unknown>;
}

/**
 * Validates a deploy request body.
 *
 * @throws {InvalidScopeError} for a scope other than auto, platform or all.
 * @throws {InvalidBodyError} naming each wrong field.
 */
export function parseDeployRequest(body: unknown): SelfDeployRequest {
  const object = asObject(body);
  const parsed = selfDeployRequestSchema.safeParse(object);
  if (parsed.success) return parsed.data;
  if (parsed.error.issues.some((issue) => issue.path[0] === "scope")) throw new InvalidScopeError(object.scope);
  throw new InvalidBodyError(`invalid deploy request: ${describeIssues(parsed.error)}`);
}

/** Validates any body against a schema. @throws {InvalidBodyError} */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(asObject(body));
  if (!parsed.success) throw new InvalidBodyError(`invalid body: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * Validates a route's query against its schema, the one its OpenAPI parameters are made
 * from (`./schemas.ts`); parameters the schema does not name are ignored.
 *
 * @throws {InvalidQueryError} naming the first wrong parameter.
 */
export function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  throw new InvalidQueryError(`?${issue?.path.join(".") ?? "query"} ${issue?.message ?? "is invalid"}`);
}
