import { describe, expect, it } from "vitest";
import { normalizeHeaders } from "./headers.js";
import { checkStateChange, isSameOrigin } from "./state-change.js";

const HOST = "127.0.0.1:4000";
const post = (headers: Record<string, string>, method = "POST") => ({
  method,
  host: HOST,
  headers: normalizeHeaders({ host: HOST, ...headers }),
});

describe("the rule for state-changing requests", () => {
  it("lets a JSON request without Origin through (curl, the SDK)", () => {
    expect(checkStateChange(post({ "content-type": "application/json", "content-length": "2" }))).toBeUndefined();
    expect(checkStateChange(post({ "content-type": "application/json; charset=utf-8" }))).toBeUndefined();
    expect(checkStateChange(post({ "content-type": "application/merge-patch+json" }))).toBeUndefined();
  });

  it("lets a body-less request through", () => {
    expect(checkStateChange(post({}))).toBeUndefined();
    expect(checkStateChange(post({ "content-length": "0" }))).toBeUndefined();
  });

  it.each([
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "",
    "application/jsonx",
  ])("refuses a %j body (what a page on another site may send unasked)", (type) => {
    expect(checkStateChange(post({ "content-type": type, "content-length": "5" }))).toMatchObject({
      code: "unsupported_media_type",
      status: 415,
    });
  });

  it("refuses a body without a content type", () => {
    expect(checkStateChange(post({ "content-length": "5" }))).toMatchObject({ status: 415 });
    expect(checkStateChange(post({ "transfer-encoding": "chunked" }))).toMatchObject({ status: 415 });
  });

  it.each(["PUT", "PATCH", "DELETE", "put"])("applies to %s", (method) => {
    expect(checkStateChange(post({ "content-type": "text/plain" }, method))).toMatchObject({ status: 415 });
  });

  it("leaves GET, HEAD and OPTIONS alone", () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      expect(checkStateChange(post({ "content-type": "text/plain", origin: "http://evil.example" }, method))).toBe(
        undefined,
      );
    }
  });

  it.each([
    "http://evil.example",
    "http://127.0.0.1:5555",
    "http://127.0.0.1",
    "http://localhost:4000",
    "null",
    "not a url",
  ])("refuses Origin %s", (origin) => {
    expect(checkStateChange(post({ "content-type": "application/json", origin }))).toMatchObject({
      code: "foreign_origin",
      status: 403,
    });
  });

  it("accepts the server's own origin and the allowed ones", () => {
    expect(checkStateChange(post({ "content-type": "application/json", origin: "http://127.0.0.1:4000" }))).toBe(
      undefined,
    );
    expect(
      checkStateChange(
        post({ "content-type": "application/json", origin: "http://127.0.0.1:4001", "sec-fetch-site": "same-site" }),
        {
          allowedOrigins: ["http://127.0.0.1:4001"],
        },
      ),
    ).toBeUndefined();
  });

  it("refuses Sec-Fetch-Site cross-site, and same-site from an origin not allowed (another port)", () => {
    expect(
      checkStateChange(post({ "content-type": "application/json", "sec-fetch-site": "cross-site" })),
    ).toMatchObject({
      code: "foreign_origin",
    });
    expect(checkStateChange(post({ "content-type": "application/json", "sec-fetch-site": "same-site" }))).toMatchObject(
      {
        code: "foreign_origin",
      },
    );
    expect(
      checkStateChange(post({ "sec-fetch-site": "same-origin", origin: "http://127.0.0.1:4000" })),
    ).toBeUndefined();
    expect(checkStateChange(post({ "sec-fetch-site": "none" }))).toBeUndefined();
  });

  it("reads every value of a repeated Sec-Fetch-Site, so a second one cannot hide a foreign first", () => {
    const repeated = (sites: string[], extra: Record<string, string> = {}) => ({
      method: "POST",
      host: HOST,
      headers: normalizeHeaders({ host: HOST, "content-type": "application/json", "sec-fetch-site": sites, ...extra }),
    });
    expect(checkStateChange(repeated(["same-origin", "same-site"]))).toMatchObject({ code: "foreign_origin" });
    expect(checkStateChange(repeated(["same-origin", "cross-site"]))).toMatchObject({ code: "foreign_origin" });
    expect(
      checkStateChange(repeated(["same-origin", "none"]), { contentTypes: ["application/json"], requireOrigin: true }),
    ).toMatchObject({ code: "foreign_origin" });
    expect(checkStateChange(repeated(["same-origin"]), { requireOrigin: true })).toBeUndefined();
  });

  it("can accept forms, but then only with an origin that is its own", () => {
    const forms = { contentTypes: ["application/x-www-form-urlencoded"], requireOrigin: true };
    const form = { "content-type": "application/x-www-form-urlencoded", "content-length": "3" };
    expect(checkStateChange(post({ ...form, origin: "http://127.0.0.1:4000" }), forms)).toBeUndefined();
    expect(checkStateChange(post(form), forms)).toMatchObject({ code: "foreign_origin" });
    expect(checkStateChange(post({ ...form, origin: "http://127.0.0.1:9" }), forms)).toMatchObject({
      code: "foreign_origin",
    });
    expect(checkStateChange(post({ ...form, "content-type": "text/plain" }), forms)).toMatchObject({ status: 415 });
  });

  it("compares origins by scheme, host and port", () => {
    expect(isSameOrigin("http://127.0.0.1:4000", "127.0.0.1:4000")).toBe(true);
    expect(isSameOrigin("http://127.0.0.1:80", "127.0.0.1")).toBe(true);
    expect(isSameOrigin("http://127.0.0.1:4000/path", "127.0.0.1:4000")).toBe(false);
    expect(isSameOrigin("http://127.0.0.1:4000", undefined)).toBe(false);
    expect(isSameOrigin("http://127.0.0.1:4000", "bad host")).toBe(false);
  });
});
