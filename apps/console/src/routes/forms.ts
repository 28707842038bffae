import type { Context } from "hono";
import type { z } from "zod";
import { BadRequestError } from "../errors.js";

/**
 * Reads a urlencoded or multipart form and validates it: a missing or wrong field is a
 * `400` page naming it.
 */
export async function readForm<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  let body: Record<string, unknown>;
  try {
    body = await c.req.parseBody();
  } catch {
    throw new BadRequestError("the form could not be read: send it again from the console's page");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join(".") || "form"}: ${issue.message}`);
    throw new BadRequestError(`the form is not valid (${fields.join("; ")}): fix it and send it again`);
  }
  return parsed.data;
}
