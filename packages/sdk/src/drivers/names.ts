import { randomBytes } from "node:crypto";

/** A fresh container name: `app-building-` and 10 random hex digits. */
export function newContainerName(prefix = "app-building"): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

/** A fresh random bearer token for one container (256 bits, URL-safe). */
export function newContainerToken(): string {
  return randomBytes(32).toString("base64url");
}
