import type { Context } from "hono";
import type { z } from "zod";
import { InvalidBodyError, InvalidJsonError, InvalidQueryError } from "../errors.js";

/** Names each bad field of a failed zod parse in one sentence. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.join(".");
      if (issue.code === "unrecognized_keys") return `unknown field(s) ${issue.keys.map((k) => `'${k}'`).join(", ")}`;
      return `${path === "" ? "body" : `'${path}'`}: ${issue.message}`;
    })
    .join("; ");
}

/** Reads the JSON body and validates it; bad JSON or a bad field is a 400 naming the problem. */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidJsonError();
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new InvalidBodyError(`invalid body: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Validates the query string; a bad parameter is a 400 naming it. */
export function readQuery<T extends z.ZodType>(c: Context, schema: T): z.infer<T> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw new InvalidQueryError(`invalid query: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
