import { describe, expect, it } from "vitest";
import { InvalidQueryError } from "../errors.js";
import { parseQuery } from "./body.js";
import { deployListQuerySchema, deployLogQuerySchema, selfDeployQuerySchema } from "./schemas.js";

/** The `invalid_query` message a query is refused with. */
function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidQueryError);
    return (error as Error).message;
  }
  throw new Error("the query was accepted");
}

describe("parseQuery with the schemas the OpenAPI document is made from", () => {
  it("reads a page's limit and cursor, 20 and none when absent, ignoring other parameters", () => {
    expect(parseQuery(deployListQuerySchema, {})).toEqual({ limit: 20 });
    expect(parseQuery(deployListQuerySchema, { limit: "100", cursor: "42", other: "x" })).toEqual({
      limit: 100,
      cursor: "42",
    });
  });

  it.each(["0", "101", "1.5", "1e1", " 5", "-1", "", "9007199254740993"])("refuses ?limit=%j", (limit) => {
    expect(refusal(() => parseQuery(deployListQuerySchema, { limit }))).toBe(
      "?limit must be a whole number from 1 to 100",
    );
  });

  it("refuses a repeated ?limit and a cursor that no page handed out", () => {
    expect(refusal(() => parseQuery(deployListQuerySchema, { limit: ["5", "6"] }))).toBe(
      "?limit must be a whole number from 1 to 100",
    );
    for (const cursor of ["abc", "", "1".repeat(16), ["1", "2"]]) {
      expect(refusal(() => parseQuery(deployListQuerySchema, { cursor }))).toBe(
        "?cursor must be the nextCursor of a previous page",
      );
    }
  });

  it("reads ?wait and ?follow as booleans, each with its own default", () => {
    expect(parseQuery(selfDeployQuerySchema, {})).toEqual({ wait: true });
    expect(parseQuery(selfDeployQuerySchema, { wait: "0" })).toEqual({ wait: false });
    expect(parseQuery(deployLogQuerySchema, {})).toEqual({ follow: false });
    expect(parseQuery(deployLogQuerySchema, { follow: "1" })).toEqual({ follow: true });
    expect(parseQuery(deployLogQuerySchema, { follow: "true" })).toEqual({ follow: true });
  });

  it("refuses a flag that is not true, false, 1 or 0", () => {
    expect(refusal(() => parseQuery(selfDeployQuerySchema, { wait: "maybe" }))).toBe(
      "?wait must be true, false, 1 or 0",
    );
    expect(refusal(() => parseQuery(deployLogQuerySchema, { follow: ["1", "0"] }))).toBe(
      "?follow must be true, false, 1 or 0",
    );
  });
});
