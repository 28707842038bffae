import {
  deployAcceptedSchema,
  deployListSchema,
  deployModeSchema,
  deploySchema,
  releaseListSchema,
  type DeployAccepted,
  type DeployMode,
  type ReleaseList,
  type RequestedScope,
} from "@app-building/types";
import { z } from "zod";
import { CoreBackError, CoreBackUnreachableError, SignInRefusedError } from "./errors.js";

/** The fields of a deploy the console shows (a deploy carries more; they are ignored). */
const consoleDeploySchema = deploySchema
  .pick({
    id: true,
    status: true,
    scope: true,
    requestedBy: true,
    sessionId: true,
    createdAt: true,
    startedAt: true,
    endedAt: true,
    durationMs: true,
    exitCode: true,
    errorSummary: true,
    phase: true,
  })
  .extend({
    buildEndedAt: z.string().nullable().optional(),
    selfRestart: z.boolean().optional(),
    action: z.enum(["deploy", "rollback"]).optional(),
    builtRelease: z.string().nullable().optional(),
    release: z.string().nullable().optional(),
  });
/** A deploy as the console shows it. */
export type ConsoleDeploy = z.infer<typeof consoleDeploySchema>;

const deployPageSchema = deployListSchema.extend({ items: z.array(consoleDeploySchema) });
/** A page of deploys, newest first. */
export type DeployPage = z.infer<typeof deployPageSchema>;

const sessionSchema = z
  .object({
    user: z.object({
      id: z.string(),
      email: z.string(),
      name: z.string().nullable().optional(),
      role: z.string().nullable().optional(),
    }),
  })
  .nullable();

/** The signed-in user, as core-back's session says. */
export interface SessionUser {
  id: string;
  email: string;
  name: string | null;
  admin: boolean;
}

/** The outcome of a sign-in or sign-out: the cookies core-back set, to relay to the browser. */
export interface AuthOutcome {
  setCookies: string[];
}

const modeSchema = z.object({ mode: deployModeSchema });
const errorBodySchema = z.object({ error: z.string().optional(), code: z.string().optional(), message: z.string() });

/** Options of {@link CoreBackClient}. */
export interface CoreBackClientOptions {
  /** core-back's base URL, e.g. `http://127.0.0.1:4000`. */
  baseUrl: string;
  /** How long one call may take (the followed log excepted). Default 10 s. */
  timeoutMs?: number;
}

/** Whether a role list (comma separated) includes `admin`, as core-back reads it. */
function isAdminRole(role: string | null | undefined): boolean {
  return (role ?? "")
    .split(",")
    .map((part) => part.trim())
    .includes("admin");
}

/**
 * A small typed client of core-back's HTTP API. Every call carries the browser's cookie
 * header as it came; state-changing calls send core-back's own URL as their Origin, which
 * Better-Auth trusts (it is its base URL).
 */
export class CoreBackClient {
  readonly baseUrl: string;
  private readonly origin: string;
  private readonly timeoutMs: number;

  constructor(options: CoreBackClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.origin = new URL(this.baseUrl).origin;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** The signed-in user of a cookie header, or `null` when there is no valid session. */
  async getSession(cookie: string | undefined): Promise<SessionUser | null> {
    if (cookie === undefined || cookie === "") return null;
    const body = sessionSchema.parse(await this.json("GET", "/api/auth/get-session", { cookie }));
    if (body === null) return null;
    const { user } = body;
    return { id: user.id, email: user.email, name: user.name ?? null, admin: isAdminRole(user.role) };
  }

  /**
   * Signs in with email and password.
   *
   * @throws {SignInRefusedError} for wrong credentials (401, or 400 for a malformed email) or too many attempts (429).
   */
  async signIn(email: string, password: string): Promise<AuthOutcome> {
    const response = await this.send("POST", "/api/auth/sign-in/email", { body: { email, password } });
    const refused =
      response.status === 429 ? "too_many_attempts" : [400, 401].includes(response.status) ? "wrong_credentials" : null;
    if (refused !== null) {
      await response.body?.cancel();
      throw new SignInRefusedError(refused, email);
    }
    if (!response.ok) throw await errorFrom(response);
    await response.body?.cancel();
    return { setCookies: response.headers.getSetCookie() };
  }

  /** Ends the session of a cookie header; answers the cookies that clear it. */
  async signOut(cookie: string | undefined): Promise<AuthOutcome> {
    const response = await this.send("POST", "/api/auth/sign-out", { cookie, body: {} });
    if (!response.ok) throw await errorFrom(response);
    await response.body?.cancel();
    return { setCookies: response.headers.getSetCookie() };
  }

  /** A page of deploys, newest first. */
  async listDeploys(cookie: string | undefined, options: { limit: number; cursor?: string }): Promise<DeployPage> {
    const query = new URLSearchParams({ limit: String(options.limit) });
    if (options.cursor !== undefined) query.set("cursor", options.cursor);
    return deployPageSchema.parse(await this.json("GET", `/deploy?${query.toString()}`, { cookie }));
  }

  /** One deploy. @throws {CoreBackError} 404 `deploy_not_found`. */
  async getDeploy(cookie: string | undefined, id: string): Promise<ConsoleDeploy> {
    return consoleDeploySchema.parse(await this.json("GET", `/deploy/${encodeURIComponent(id)}`, { cookie }));
  }

  /** A deploy's whole log as it is now. */
  async getDeployLog(cookie: string | undefined, id: string): Promise<Buffer> {
    const response = await this.send("GET", `/deploy/${encodeURIComponent(id)}/log`, { cookie });
    if (!response.ok) throw await errorFrom(response);
    return Buffer.from(await response.arrayBuffer());
  }

  /**
   * The log of a deploy as it grows, until the deploy ends: core-back's streaming answer,
   * for the caller to pass on. `signal` ends it (the browser went away).
   */
  async followDeployLog(cookie: string | undefined, id: string, signal: AbortSignal): Promise<Response> {
    const response = await this.send("GET", `/deploy/${encodeURIComponent(id)}/log?follow=1`, {
      cookie,
      signal,
      noTimeout: true,
    });
    if (!response.ok) throw await errorFrom(response);
    return response;
  }

  /** Starts (or joins) a deploy. */
  async startDeploy(cookie: string | undefined, scope: RequestedScope): Promise<DeployAccepted> {
    return deployAcceptedSchema.parse(await this.json("POST", "/deploy", { cookie, body: { scope } }));
  }

  /** Cancels a deploy; answers it as it is after cancelling. */
  async cancelDeploy(cookie: string | undefined, id: string): Promise<ConsoleDeploy> {
    return consoleDeploySchema.parse(
      await this.json("POST", `/deploy/${encodeURIComponent(id)}/cancel`, { cookie, body: {} }),
    );
  }

  /** The releases on disk, newest first; null when core-back runs without releases. */
  async listReleases(cookie: string | undefined): Promise<ReleaseList | null> {
    try {
      return releaseListSchema.parse(await this.json("GET", "/deploy/releases", { cookie }));
    } catch (error) {
      if (error instanceof CoreBackError && error.code === "releases_unavailable") return null;
      throw error;
    }
  }

  /**
   * Makes a known-good release live (admins only). Answers the rollback's deploy row,
   * also when its gate failed (core-back answers 500 with the row then).
   */
  async rollback(cookie: string | undefined, releaseId: string): Promise<ConsoleDeploy> {
    const response = await this.send("POST", "/deploy/rollback", { cookie, body: { releaseId }, noTimeout: true });
    if (response.status !== 200 && response.status !== 500) throw await errorFrom(response);
    const parsed = consoleDeploySchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success) throw await errorFrom(response);
    return parsed.data;
  }

  /** The deploy mode (admins only: 403 otherwise). */
  async getMode(cookie: string | undefined): Promise<DeployMode> {
    return modeSchema.parse(await this.json("GET", "/deploy/mode", { cookie })).mode;
  }

  /** Sets the deploy mode (admins only). */
  async setMode(cookie: string | undefined, mode: DeployMode): Promise<DeployMode> {
    return modeSchema.parse(await this.json("PUT", "/deploy/mode", { cookie, body: { mode } })).mode;
  }

  private async json(
    method: string,
    path: string,
    options: { cookie?: string | undefined; body?: unknown },
  ): Promise<unknown> {
    const response = await this.send(method, path, options);
    if (!response.ok) throw await errorFrom(response);
    try {
      return await response.json();
    } catch (cause) {
      throw new CoreBackUnreachableError(this.baseUrl, cause);
    }
  }

  private async send(
    method: string,
    path: string,
    options: { cookie?: string | undefined; body?: unknown; signal?: AbortSignal; noTimeout?: boolean },
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (options.cookie !== undefined && options.cookie !== "") headers.cookie = options.cookie;
    if (options.body !== undefined) headers["content-type"] = "application/json";
    if (method !== "GET") headers.origin = this.origin;
    const signals = [options.signal, options.noTimeout === true ? undefined : AbortSignal.timeout(this.timeoutMs)];
    const active = signals.filter((signal): signal is AbortSignal => signal !== undefined);
    try {
      return await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: active.length === 0 ? undefined : AbortSignal.any(active),
        redirect: "manual",
      });
    } catch (cause) {
      if (options.signal?.aborted === true) throw cause;
      throw new CoreBackUnreachableError(this.baseUrl, cause);
    }
  }
}

/** core-back's error answer as a typed error (its message kept: it says what to do). */
async function errorFrom(response: Response): Promise<CoreBackError> {
  const text = await response.text().catch(() => "");
  let parsed: z.infer<typeof errorBodySchema> | undefined;
  try {
    parsed = errorBodySchema.parse(JSON.parse(text));
  } catch {
    parsed = undefined;
  }
  const code = parsed?.error ?? parsed?.code?.toLowerCase() ?? `http_${response.status}`;
  const message = parsed?.message ?? `core-back answered ${response.status} ${text.slice(0, 200)}`.trim();
  return new CoreBackError(code, message, response.status);
}
