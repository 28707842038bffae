import express from "express";
import type { RequestHandler } from "express";
import type { z } from "zod";
import { selfDeployRequestSchema, type SelfDeployRequest } from "@app-building/types";
import { InvalidBodyError, InvalidQueryError, InvalidScopeError } from "../errors.js";
import { queryFlagSchema } from "./schemas.js";

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

/** A boolean query flag: absent = `fallback`; `1`/`true`/`0`/`false` otherwise. */
export function queryFlag(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  const flag = queryFlagSchema.safeParse(value);
  if (!flag.success) throw new InvalidQueryError(`?${name} must be true, false, 1 or 0`);
  return flag.data === "1" || flag.data === "true";
}

/** An integer query value in a range. */
export function queryInt(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new InvalidQueryError(`?${name} must be a whole number from ${min} to ${max}`);
  }
  return number;
}

/** An opaque cursor from a previous page. */
export function queryCursor(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^\d{1,15}$/.test(value)) {
    throw new InvalidQueryError("?cursor must be the nextCursor of a previous page");
  }
  return value;
}
