import { ERROR_CODES, type ErrorCode } from "@app-building/types";

/**
 * The codes the SDK gives its errors itself, for what happens on the client's side (no
 * server sent them); an error mapped from a server's answer carries the server's code,
 * one of `ERROR_CODES` of `@app-building/types`. Together they are every `code` an
 * {@link AppBuildingError} can have.
 *
 * @example
 * ```ts
 * import { AppBuildingError, FileContainerRegistry, SDK_ERROR_CODES, startContainer } from "@app-building/sdk";
 * const config = { envVars: {}, registry: new FileContainerRegistry(), driver: "docker" as const };
 * await startContainer(config, null).catch((error: unknown) => {
 *   if (error instanceof AppBuildingError && error.code === SDK_ERROR_CODES.dockerUnavailable) {
 *     console.error("start Docker first");
 *   }
 *   throw error;
 * });
 * ```
 */
export const SDK_ERROR_CODES = {
  /** Nothing answers at the container's address any more ({@link ContainerGoneError}). */
  containerGone: "container_gone",
  /** A request, a readiness wait, a message or a lock took too long ({@link TimeoutError}). */
  timeout: "timeout",
  /** A Fly.io region had no room for the machine ({@link CapacityError}). */
  insufficientCapacity: "insufficient_capacity",
  /** The container could not be started ({@link ContainerStartError}). */
  startFailed: "start_failed",
  /** A failed answer without a code of the platform's: a 4xx ({@link InvalidRequestError}). */
  invalidRequest: "invalid_request",
  /** A failed answer without a code of the platform's: a 5xx or 429 ({@link ServerError}). */
  serverError: "server_error",
  /** The registry has not got the image the Fly machine is to run ({@link ServerError}). */
  manifestUnknown: "manifest_unknown",
  /** An answer that is not JSON, or not the shape the API promises. */
  invalidResponse: "invalid_response",
  /** A setting that cannot work ({@link ConfigurationError}); the ones below say which. */
  invalidConfig: "invalid_config",
  /** No container of that name in the registry. */
  unknownContainer: "unknown_container",
  /** A driver name other than process, docker or fly. */
  unknownDriver: "unknown_driver",
  /** The driver cannot do what was asked (e.g. a test container on Fly). */
  driverUnsupported: "driver_unsupported",
  /** No Docker CLI, or no Docker Engine answering it. */
  dockerUnavailable: "docker_unavailable",
  /** The fly driver has no token or no app name. */
  flyCredentialsMissing: "fly_credentials_missing",
  /** The image is not in the local Docker Engine and may not or cannot be built. */
  imageMissing: "image_missing",
  /** There is no script to build the image with. */
  imageBuildUnavailable: "image_build_unavailable",
  /** This install of the SDK has no container runtime to run. */
  runtimeMissing: "runtime_missing",
  /** A stopped container's journal was removed. */
  journalMissing: "journal_missing",
  /** `workspaceDir` names no existing directory. */
  workspaceMissing: "workspace_missing",
  /** The driver cannot use a `workspaceDir`. */
  workspaceUnsupported: "workspace_unsupported",
  /** The CLI's command line cannot work: a missing argument or a bad flag value. */
  usage: "usage",
} as const;

/**
 * A code the SDK gives an error itself.
 *
 * @example
 * ```ts
 * import { SDK_ERROR_CODES, type SdkErrorCode } from "@app-building/sdk";
 * const worthARetry: readonly SdkErrorCode[] = [SDK_ERROR_CODES.containerGone, SDK_ERROR_CODES.timeout];
 * ```
 */
export type SdkErrorCode = (typeof SDK_ERROR_CODES)[keyof typeof SDK_ERROR_CODES];

/**
 * Every code an {@link AppBuildingError} can carry: the SDK's own, or a server's.
 *
 * @example
 * ```ts
 * import { AppBuildingError, type AppBuildingErrorCode } from "@app-building/sdk";
 * function codeOf(error: unknown): AppBuildingErrorCode | null {
 *   return error instanceof AppBuildingError ? error.code : null;
 * }
 * ```
 */
export type AppBuildingErrorCode = SdkErrorCode | ErrorCode;

const SERVER_CODES: ReadonlySet<string> = new Set(Object.values(ERROR_CODES));

/**
 * The base class of every error the SDK throws. `code` is stable (match on it or on the
 * class); `status` is the HTTP status when the error came from a response; `retryable`
 * says whether the same request may succeed later.
 *
 * @example
 * ```ts
 * import { AppBuildingError, connect } from "@app-building/sdk";
 * try {
 *   const client = await connect("app-building-3f2a9c01d4");
 *   await client.status();
 * } catch (error) {
 *   if (!(error instanceof AppBuildingError)) throw error;
 *   console.error(error.code, error.message, error.retryable ? "(may work later)" : "");
 * }
 * ```
 */
export class AppBuildingError extends Error {
  /** A stable, machine-readable code such as `unauthorized` or `container_gone`: one of {@link SDK_ERROR_CODES} or of the servers' `ERROR_CODES`. */
  readonly code: AppBuildingErrorCode;
  /** The HTTP status of the response this error was mapped from, if any. */
  readonly status: number | undefined;
  /** True when retrying the same request later may succeed. */
  readonly retryable: boolean;

  constructor(
    message: string,
    options: { code: AppBuildingErrorCode; status?: number; retryable?: boolean; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
  }
}

/**
 * The request was refused as unauthenticated or forbidden (HTTP 401/403). `code` is the
 * server's: `unauthorized` (the token was missing or wrong), `forbidden`, or
 * `forbidden_host` / `foreign_origin` (the server refused the `Host` or `Origin` the
 * request came with, whatever its token).
 *
 * @example
 * ```ts
 * import { AuthenticationError, createClient } from "@app-building/sdk";
 * const client = createClient({
 *   type: "local",
 *   driver: "process",
 *   containerName: "app-building-3f2a9c01d4",
 *   baseUrl: "http://127.0.0.1:3100",
 *   port: 3100,
 *   token: process.env.CONTAINER_TOKEN ?? "",
 *   startedAt: new Date().toISOString(),
 * });
 * await client.status().catch((error: unknown) => {
 *   if (error instanceof AuthenticationError) console.error("check CONTAINER_TOKEN");
 *   throw error;
 * });
 * ```
 */
export class AuthenticationError extends AppBuildingError {
  constructor(message: string, status = 401, cause?: unknown, code: ErrorCode = ERROR_CODES.unauthorized) {
    super(message, { code, status, cause });
  }
}

/**
 * The thing asked for does not exist: an unknown message id, container or machine (HTTP 404).
 *
 * @example
 * ```ts
 * import { NotFoundError, connect } from "@app-building/sdk";
 * const client = await connect("app-building-3f2a9c01d4");
 * const id = process.argv[2] ?? "";
 * const message = await client.getMessage(id).catch((e: unknown) => (e instanceof NotFoundError ? null : Promise.reject(e)));
 * console.log(message === null ? `no message ${id}` : message.status);
 * ```
 */
export class NotFoundError extends AppBuildingError {
  constructor(message: string, status = 404, cause?: unknown) {
    super(message, { code: ERROR_CODES.notFound, status, cause });
  }
}

/**
 * The request was refused as invalid (HTTP 400/409/413/422); `code` is the server's code.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { InvalidRequestError, connect } from "@app-building/sdk";
 * const client = await connect("app-building-3f2a9c01d4");
 * try {
 *   await client.sendMessage(readFileSync("prompt.md", "utf8")); // refused when empty or too long
 * } catch (error) {
 *   if (!(error instanceof InvalidRequestError)) throw error;
 *   console.error(error.code, error.message); // the server's code, and what to change
 * }
 * ```
 */
export class InvalidRequestError extends AppBuildingError {
  constructor(message: string, code: AppBuildingErrorCode, status: number, cause?: unknown) {
    super(message, { code, status, cause });
  }
}

/**
 * The container is no longer there: the connection is refused or reset, or the runtime has stopped.
 *
 * @example
 * ```ts
 * import { ContainerGoneError, FileContainerRegistry, createClient } from "@app-building/sdk";
 * const registry = new FileContainerRegistry();
 * for (const state of await registry.findAlive()) {
 *   await createClient(state)
 *     .status()
 *     .catch(async (error: unknown) => {
 *       if (error instanceof ContainerGoneError) await registry.markStopped(state.containerName);
 *       else throw error;
 *     });
 * }
 * ```
 */
export class ContainerGoneError extends AppBuildingError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: SDK_ERROR_CODES.containerGone, retryable: true, cause });
  }
}

/**
 * Something did not happen in time: a request, a readiness wait, a message, a lock.
 *
 * @example
 * ```ts
 * import { TimeoutError, connect } from "@app-building/sdk";
 * const client = await connect("app-building-3f2a9c01d4");
 * const { id } = await client.sendMessage("Run the tests");
 * await client.waitForMessage(id, { timeoutMs: 60_000 }).catch((e: unknown) => {
 *   if (e instanceof TimeoutError) console.error("still running after a minute");
 *   throw e;
 * });
 * ```
 */
export class TimeoutError extends AppBuildingError {
  constructor(message: string, cause?: unknown) {
    super(message, { code: SDK_ERROR_CODES.timeout, retryable: true, cause });
  }
}

/**
 * The server failed (HTTP 5xx) or is briefly unable to serve (HTTP 429).
 *
 * @example
 * ```ts
 * import { setTimeout as sleep } from "node:timers/promises";
 * import { ServerError, connect } from "@app-building/sdk";
 * const client = await connect("app-building-3f2a9c01d4");
 * async function statusWithRetry() {
 *   try {
 *     return await client.status();
 *   } catch (error) {
 *     if (!(error instanceof ServerError && error.retryable)) throw error;
 *     await sleep(1_000); // a 429 or a 5xx: the same request may work in a moment
 *     return client.status();
 *   }
 * }
 * console.log((await statusWithRetry()).state);
 * ```
 */
export class ServerError extends AppBuildingError {
  constructor(message: string, code: AppBuildingErrorCode, status: number, cause?: unknown) {
    super(message, { code, status, retryable: true, cause });
  }
}

/**
 * A Fly.io region had no capacity for the machine (HTTP 412 "insufficient ..."): try another region.
 *
 * @example
 * ```ts
 * import { CapacityError, FileContainerRegistry, startRemoteContainer } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), flyToken: process.env.FLY_API_TOKEN, flyApp: "my-agents" };
 * const repo = { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main" };
 * const state = await startRemoteContainer({ ...config, fly: { regions: ["ord"] } }, repo).catch((error: unknown) => {
 *   if (!(error instanceof CapacityError)) throw error;
 *   console.error("no capacity in ord, trying iad:", error.message);
 *   return startRemoteContainer({ ...config, fly: { regions: ["iad"] } }, repo);
 * });
 * ```
 */
export class CapacityError extends AppBuildingError {
  constructor(message: string, status = 412, cause?: unknown) {
    super(message, { code: SDK_ERROR_CODES.insufficientCapacity, status, retryable: true, cause });
  }
}

/**
 * The configuration cannot work: a missing token, no Docker Engine, an unknown driver or container.
 *
 * @example
 * ```ts
 * import { ConfigurationError, connect } from "@app-building/sdk";
 * try {
 *   await connect(process.argv[2] ?? "");
 * } catch (error) {
 *   if (!(error instanceof ConfigurationError)) throw error;
 *   console.error(error.message); // says what to set or run, here `app-building ls --all`
 *   process.exitCode = 1;
 * }
 * ```
 */
export class ConfigurationError extends AppBuildingError {
  constructor(message: string, code: SdkErrorCode = SDK_ERROR_CODES.invalidConfig, cause?: unknown) {
    super(message, { code, cause });
  }
}

/**
 * A container could not be started. `output` holds the last lines it printed, `exitCode`
 * and `signal` how it ended when it died while starting.
 *
 * @example
 * ```ts
 * import { ContainerStartError, FileContainerRegistry, startContainer } from "@app-building/sdk";
 * const repo = { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main" };
 * try {
 *   await startContainer({ registry: new FileContainerRegistry() }, repo);
 * } catch (error) {
 *   if (!(error instanceof ContainerStartError)) throw error;
 *   console.error(error.message);
 *   console.error(error.output); // the last lines it printed
 * }
 * ```
 */
export class ContainerStartError extends AppBuildingError {
  /** The last output of the container (at most a few KB). */
  readonly output: string;
  /** The exit code, when it exited. */
  readonly exitCode: number | null;
  /** The signal that ended it, when one did. */
  readonly signal: string | null;

  constructor(
    message: string,
    details: { output?: string; exitCode?: number | null; signal?: string | null; cause?: unknown } = {},
  ) {
    super(message, { code: SDK_ERROR_CODES.startFailed, cause: details.cause });
    this.output = details.output ?? "";
    this.exitCode = details.exitCode ?? null;
    this.signal = details.signal ?? null;
  }
}

/**
 * What {@link errorFromResponse} needs to know about a failed response.
 *
 * @example
 * ```ts
 * import { errorFromResponse, type FailedResponse } from "@app-building/sdk";
 * async function getJson(url: string, token: string): Promise<unknown> {
 *   const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
 *   if (!response.ok) {
 *     const failed: FailedResponse = { status: response.status, bodyText: await response.text(), request: `GET ${url}` };
 *     throw errorFromResponse(failed); // NotFoundError, AuthenticationError, ServerError, ...
 *   }
 *   return response.json();
 * }
 * ```
 */
export interface FailedResponse {
  /** HTTP status. */
  status: number;
  /** The body as text (JSON or not). */
  bodyText: string;
  /** What was asked, for the message: e.g. `GET http://127.0.0.1:4100/status`. */
  request: string;
}

/**
 * A body's `error` (a platform's code, or Fly's words) and `message`; `code` is the error
 * when it is one of the platform's codes.
 */
function parseBody(text: string): {
  code: ErrorCode | undefined;
  error: string | undefined;
  message: string | undefined;
} {
  try {
    const body = JSON.parse(text) as unknown;
    if (body !== null && typeof body === "object") {
      const record = body as Record<string, unknown>;
      const error = typeof record.error === "string" ? record.error : undefined;
      const code = error !== undefined && SERVER_CODES.has(error) ? (error as ErrorCode) : undefined;
      const message = typeof record.message === "string" ? record.message : undefined;
      return { code, error, message };
    }
  } catch {
    // not JSON: the text itself is the message
  }
  const trimmed = text.trim().slice(0, 500);
  return { code: undefined, error: undefined, message: trimmed === "" ? undefined : trimmed };
}

/**
 * The one place a failed HTTP response (from a container or from the Fly Machines API)
 * becomes a typed error. Bodies are `{error, message}` JSON from the platform, or Fly's
 * `{error: "..."}`, or plain text. The error carries the platform's code when the body
 * has one; words in its place (Fly's) go into the message.
 *
 * @example
 * ```ts
 * import { errorFromResponse } from "@app-building/sdk";
 * const url = "http://127.0.0.1:3100/status";
 * const response = await fetch(url, { headers: { authorization: `Bearer ${process.env.CONTAINER_TOKEN ?? ""}` } });
 * if (!response.ok) throw errorFromResponse({ status: response.status, bodyText: await response.text(), request: `GET ${url}` });
 * ```
 */
export function errorFromResponse(response: FailedResponse): AppBuildingError {
  const { status, request } = response;
  const { code, error, message } = parseBody(response.bodyText);
  const detail = message ?? error ?? `HTTP ${status}`;
  const text = `${request} failed (${status}): ${detail}`;
  const haystack = `${error ?? ""} ${message ?? ""}`;
  if (status === 401 || status === 403) {
    // Only a refused token is the token's fault; a refused Host or Origin is not.
    const tokenRefused = code === undefined || code === ERROR_CODES.unauthorized;
    return new AuthenticationError(
      tokenRefused ? `${text}. Check the token you passed.` : text,
      status,
      undefined,
      code ?? ERROR_CODES.unauthorized,
    );
  }
  if (status === 404) return new NotFoundError(text, status);
  if (status === 412 && /insufficient|capacity/i.test(haystack)) return new CapacityError(text, status);
  if (/MANIFEST_UNKNOWN/i.test(haystack)) {
    return new ServerError(`${text}. The image is not in the registry yet.`, SDK_ERROR_CODES.manifestUnknown, status);
  }
  if (status === 408) return new TimeoutError(text);
  if (status === 429 || status >= 500) return new ServerError(text, code ?? SDK_ERROR_CODES.serverError, status);
  return new InvalidRequestError(text, code ?? SDK_ERROR_CODES.invalidRequest, status);
}

/** Node's network error codes that mean nobody is listening any more. */
const GONE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "ENOTFOUND", "EHOSTUNREACH"]);

/**
 * Turns a `fetch` failure (no response at all) into {@link ContainerGoneError} or
 * {@link TimeoutError}, keeping the original as `cause`.
 *
 * @example
 * ```ts
 * import { errorFromNetworkFailure } from "@app-building/sdk";
 * const url = "http://127.0.0.1:3100/health";
 * // ContainerGoneError when nothing listens there, TimeoutError after 5 s.
 * const response = await fetch(url, { signal: AbortSignal.timeout(5_000) }).catch((e: unknown) =>
 *   Promise.reject(errorFromNetworkFailure(e, `GET ${url}`)),
 * );
 * ```
 */
export function errorFromNetworkFailure(error: unknown, request: string): AppBuildingError {
  if (error instanceof AppBuildingError) return error;
  const name = (error as { name?: string } | null)?.name;
  if (name === "TimeoutError" || name === "AbortError") {
    return new TimeoutError(`${request} timed out`, error);
  }
  let cause: unknown = error;
  for (let depth = 0; depth < 4 && cause !== null && typeof cause === "object"; depth += 1) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string" && GONE_CODES.has(code)) {
      return new ContainerGoneError(
        `${request} failed: nothing answers there (${code}); the container has stopped or is restarting`,
        error,
      );
    }
    cause = (cause as { cause?: unknown }).cause;
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new ContainerGoneError(`${request} failed: ${detail}`, error);
}
