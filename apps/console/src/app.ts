import { edgeBodyLimit, edgeGuard } from "@app-building/server-edge/hono";
import { Hono } from "hono";
import type { CoreBackClient } from "./core-back.js";
import type { Containers } from "./containers.js";
import { errorHandler } from "./error-handler.js";
import type { Logger } from "@app-building/server-edge/log";
import { assetRoutes } from "./routes/assets.js";
import { authRoutes } from "./routes/auth.js";
import { containerRoutes } from "./routes/containers.js";
import type { ConsoleEnv } from "./routes/context.js";
import { deployRoutes } from "./routes/deploys.js";
import { requireSession } from "./routes/session.js";
import { errorPage } from "./views/errors.js";

/** Everything the console is built from. */
export interface AppDeps {
  /** core-back's API, called with the browser's cookie. */
  coreBack: CoreBackClient;
  /** The SDK's registry and clients, loaded on first use. */
  containers: () => Promise<Containers>;
  logger: Logger;
  /** How long a container status probe may take (default 1.5 s). */
  probeTimeoutMs?: number;
  /** How often an idle event stream sends a heartbeat (default 15 s). */
  heartbeatMs?: number;
  /** Host names besides loopback literals and `localhost` that requests may name. */
  ownHostNames?: readonly string[];
  /** The release this process runs (its `release.json`), reported by `/health`; null outside a release. */
  release?: string | null;
}

/** The largest form the console reads (a prompt is at most 200,000 characters). */
const BODY_LIMIT_BYTES = 1024 * 1024;

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
};

/**
 * What a state-changing request to the console must look like: one of its own forms
 * (url-encoded), sent from one of its own pages. Browsers send `Origin` on every POST, so a
 * form on another site, or on another 127.0.0.1 port (which shares the session cookie),
 * names itself and is refused; a request that names no origin at all is refused too.
 */
const FORMS_ONLY = { contentTypes: ["application/x-www-form-urlencoded"], requireOrigin: true } as const;

/** Builds the console's Hono app from its dependencies. No listening, no globals. */
export function createApp(deps: AppDeps): Hono<ConsoleEnv> {
  const app = new Hono<ConsoleEnv>();

  app.use(async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
  });

  app.get("/health", (c) => c.json({ ok: true, release: deps.release ?? null }));
  // The Host rule (against DNS rebinding) for every page and asset; forms only from here.
  app.use(edgeGuard({ ownHostNames: deps.ownHostNames ?? [], stateChange: FORMS_ONLY }));
  app.route("/", assetRoutes());

  app.use(edgeBodyLimit(BODY_LIMIT_BYTES));
  app.route("/", authRoutes(deps.coreBack));

  app.use(requireSession(deps.coreBack));
  app.route("/", deployRoutes(deps.coreBack));
  app.route(
    "/",
    containerRoutes({
      containers: deps.containers,
      probeTimeoutMs: deps.probeTimeoutMs,
      heartbeatMs: deps.heartbeatMs,
    }),
  );

  app.notFound((c) => {
    c.status(404);
    return c.html(errorPage(404, `There is no page ${c.req.path}: start from the deploys.`, c.get("user") ?? null));
  });

  app.onError(errorHandler(deps.logger));

  return app;
}
