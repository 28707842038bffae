import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * The token of an `Authorization: Bearer <token>` header, or `undefined`.
 *
 * @example
 * ```ts
 * bearerToken("Bearer abc"); // "abc"
 * ```
 */
export function bearerToken(header: string | undefined): string | undefined {
  const token = /^Bearer\s+(.+)$/i.exec(header ?? "")?.[1]?.trim();
  return token === undefined || token === "" ? undefined : token;
}

/**
 * Builds a check of `Authorization` headers against one expected bearer token. Both sides
 * are hashed first, so the comparison takes the same time whatever the length or content
 * of what is presented.
 *
 * @example
 * ```ts
 * const matches = bearerChecker(config.token);
 * if (!matches(req.headers.authorization)) throw new UnauthorizedError();
 * ```
 */
export function bearerChecker(token: string): (header: string | undefined) => boolean {
  const expected = digest(token);
  return (header) => {
    const presented = bearerToken(header);
    return timingSafeEqual(digest(presented ?? ""), expected) && presented !== undefined;
  };
}

/** A new random token (256 bits, base64url). */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Reads a secret kept in a file, or creates it (a new random token) when the file does not
 * exist. The file is 0600 and its folder 0700 whatever the umask; two processes that race
 * to create it read the same value (the loser of the exclusive create reads the winner's).
 *
 * @example
 * ```ts
 * const token = readOrCreateSecret(join(dataDir, "self-deploy.token"));
 * ```
 */
export function readOrCreateSecret(file: string): string {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, `${newToken()}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  chmodSync(file, 0o600);
  const secret = readFileSync(file, "utf8").trim();
  if (secret === "") throw new Error(`${file} is empty: delete it and start again to make a new one`);
  return secret;
}
