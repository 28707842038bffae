import { createHash } from "node:crypto";
import { isLoopbackAddress } from "@app-building/server-edge";
import type { RequestHandler } from "express";
import { RATE_KEY_HEADER } from "../auth/auth.js";

/** The account a sign-in body names (lower case), if it is JSON with an `email`. */
function accountOf(body: unknown): string {
  if (typeof body !== "string" || body === "") return "";
  try {
    const value = JSON.parse(body) as { email?: unknown };
    return typeof value.email === "string" ? value.email.trim().toLowerCase() : "";
  } catch {
    return "";
  }
}

/**
 * An IPv6 address standing for a rate-limit bucket: Better-Auth's limiter keys by address,
 * so the account and the client are folded into one.
 */
function bucketAddress(...parts: string[]): string {
  const hex = createHash("sha256").update(parts.join("\n")).digest("hex");
  return `fd${hex.slice(0, 2)}:${hex.slice(2, 6)}:${hex.slice(6, 10)}:${hex.slice(10, 14)}:${hex.slice(14, 18)}:${hex.slice(18, 22)}:${hex.slice(22, 26)}:${hex.slice(26, 30)}`;
}

/**
 * Sets the address Better-Auth's rate limiter counts by (after the body was read as text):
 * the account and the client for sign-in, the client for every other auth route. A value
 * the client sent for the header is replaced.
 */
export const setRateKey: RequestHandler = (req, _res, next) => {
  // Every loopback address is this machine: one client, whichever 127.x address it binds.
  const peer = req.socket.remoteAddress;
  const client = isLoopbackAddress(peer) ? "loopback" : (peer ?? "unknown");
  // Better-Auth routes on the normalized path: `/api/auth/./sign-in/email` is a sign-in too.
  const signIn = new URL(req.originalUrl, "http://core-back.invalid").pathname.startsWith("/api/auth/sign-in");
  req.headers[RATE_KEY_HEADER] = signIn ? bucketAddress("sign-in", accountOf(req.body), client) : bucketAddress(client);
  next();
};
