import express from "express";
import type { Express } from "express";
import { toNodeHandler } from "better-auth/node";
import type { Logger } from "pino";
import type { Auth } from "../auth/auth.js";
import type { DeployService } from "../deploy/service.js";
import { MethodNotAllowedError, ShuttingDownError } from "../errors.js";
import { deployRouter } from "./deploy-routes.js";
import { errorHandler, notFoundHandler } from "./errors.js";
import { checkLocal, normalizeHeaders } from "@app-building/server-edge";
import { declaredBodyLimit, edgeGuard, limitedTextBody } from "@app-building/server-edge/express";
import { setRateKey } from "./rate-key.js";
import { OPENAPI_DOCUMENT } from "./openapi.js";
import { selfDeployRouter } from "./self-deploy.js";

/** Everything the HTTP app is built from. */
export interface AppDeps {
  service: DeployService;
  auth: Auth;
  logger: Logger;
  /** How long a blocking self-deploy waits. */
  deployWaitMs: number;
  bodyLimitBytes: number;
  /** The token `POST /api/v1/self/deploy` requires (the platform's agent has it). */
  selfDeployToken: string;
  /** Host names besides loopback literals and `localhost` that requests may name. */
  ownHostNames?: readonly string[];
  /** The release this process runs (its `release.json`), or null outside a release. */
  release?: string | null;
  /** True once shutdown began: new requests get `503 shutting_down`. */
  isShuttingDown?: () => boolean;
}

/** The methods any route of core-back answers; anything else (TRACE, CONNECT, ...) is a 405. */
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const KNOWN_METHODS: ReadonlySet<string> = new Set(METHODS);

/** Builds core-back's Express app from its dependencies. No listening, no globals. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");

  app.use((req, res, next) => {
    const started = Date.now();
    res.on("finish", () => {
      deps.logger.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Date.now() - started },
        "request",
      );
    });
    if (!KNOWN_METHODS.has(req.method)) {
      res.setHeader("Allow", METHODS.join(", "));
      throw new MethodNotAllowedError(req.method, METHODS);
    }
    if (deps.isShuttingDown?.() === true && req.path !== "/health") throw new ShuttingDownError();
    // No answer is ever to be read as another type than it says (a log is text, never a page).
    res.setHeader("X-Content-Type-Options", "nosniff");
    next();
  });

  app.use(declaredBodyLimit(deps.bodyLimitBytes));

  app.get("/health", (req, res) => {
    const local = checkLocal(req.socket.remoteAddress, normalizeHeaders(req.headers));
    res.json({
      ok: true,
      service: "core-back",
      local: local.local,
      mode: deps.service.getMode(),
      release: deps.release ?? null,
    });
  });

  // Every other route: the Host rule (against DNS rebinding) and, for anything that changes
  // state, JSON bodies only and no Origin but core-back's own. The session cookie rides on
  // every request a page on any 127.0.0.1 port sends, so the cookie alone proves nothing.
  app.use(edgeGuard({ ownHostNames: deps.ownHostNames ?? [] }));

  app.get("/api/v1/openapi.json", (_req, res) => {
    res.json(OPENAPI_DOCUMENT);
  });

  // Better-Auth reads bodies itself, without any size limit: read them first, within the
  // same limit as every other route, and hand it the text, which it takes in place of the
  // stream.
  app.all("/api/auth/*splat", limitedTextBody(deps.bodyLimitBytes), setRateKey, toNodeHandler(deps.auth));

  app.use(
    selfDeployRouter({
      service: deps.service,
      waitMs: deps.deployWaitMs,
      bodyLimitBytes: deps.bodyLimitBytes,
      token: deps.selfDeployToken,
    }),
  );
  app.use(deployRouter({ service: deps.service, auth: deps.auth, bodyLimitBytes: deps.bodyLimitBytes }));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
