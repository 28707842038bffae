import { randomBytes } from "node:crypto";

/** A fresh container name: the prefix (`app-building` by default), `-` and 10 random hex digits. */
export function newContainerName(prefix: string | undefined = "app-building"): string {
  return `${prefix === "" ? "app-building" : prefix}-${randomBytes(5).toString("hex")}`;
}

/** The port of a base URL (the scheme's default when it names none). */
export function portOf(baseUrl: string): number {
  const url = new URL(baseUrl);
  if (url.port !== "") return Number(url.port);
  return url.protocol === "https:" ? 443 : 80;
}

/** A fresh random bearer token for one container (256 bits, URL-safe). */
export function newContainerToken(): string {
  return randomBytes(32).toString("base64url");
}
