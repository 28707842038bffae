import { ERROR_CODES } from "@app-building/types";

/** Why the edge refused a request: a stable code, the status, and what to do instead. */
export interface Refusal {
  code: string;
  status: number;
  message: string;
}

/**
 * The error the adapters throw for a refused request; each server's error handler maps it
 * with {@link toErrorResponse} like its own errors.
 *
 * @example
 * ```ts
 * throw new EdgeError(refusals.notLocal("proxied"));
 * ```
 */
export class EdgeError extends Error {
  override readonly name = "EdgeError";
  readonly code: string;
  readonly status: number;
  constructor(refusal: Refusal) {
    super(refusal.message);
    this.code = refusal.code;
    this.status = refusal.status;
  }
}

/** The refusals the edge gives, one per rule. */
export const refusals = {
  forbiddenHost: (host: string | undefined): Refusal => ({
    code: ERROR_CODES.forbiddenHost,
    status: 403,
    message: `the Host ${JSON.stringify(host ?? "")} is not this server: call it by 127.0.0.1, [::1], localhost or its configured name`,
  }),
  foreignOrigin: (origin: string): Refusal => ({
    code: ERROR_CODES.foreignOrigin,
    status: 403,
    message: `requests from ${JSON.stringify(origin)} may not change anything here: send them from this server's own pages, or without a browser`,
  }),
  unsupportedMediaType: (type: string, allowed: readonly string[]): Refusal => ({
    code: ERROR_CODES.unsupportedMediaType,
    status: 415,
    message: `a ${JSON.stringify(type)} body is not accepted: send Content-Type: ${allowed.join(" or ")}`,
  }),
  notLocal: (reason: "remote_peer" | "proxied", header?: string): Refusal => ({
    code: ERROR_CODES.notLocalhost,
    status: 403,
    message:
      reason === "proxied"
        ? `the request came through a proxy (it carries ${header ?? "a forwarding header"}): call this server directly on 127.0.0.1`
        : "only this machine may call this route: call it on 127.0.0.1",
  }),
  payloadTooLarge: (limitBytes: number): Refusal => ({
    code: ERROR_CODES.payloadTooLarge,
    status: 413,
    message: `the request body is larger than ${limitBytes} bytes: send less`,
  }),
  unauthorized: (what: string): Refusal => ({
    code: ERROR_CODES.unauthorized,
    status: 401,
    message: `this route needs ${what}`,
  }),
} as const;
