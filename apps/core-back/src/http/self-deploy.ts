import { Router } from "express";
import type { RequestHandler } from "express";
import type { DeployService } from "../deploy/service.js";
import { bearerChecker } from "@app-building/server-edge";
import { requireLocal } from "@app-building/server-edge/express";
import { DeployWaitTimeoutError, UnauthorizedError } from "../errors.js";
import { jsonBody, parseDeployRequest, parseQuery } from "./body.js";
import { selfDeployQuerySchema } from "./schemas.js";
import { scopeFor, toSelfDeployResponse } from "./views.js";

/** What the self-deploy route needs. */
export interface SelfDeployDeps {
  service: DeployService;
  /** How long a blocking call waits before `504 deploy_timeout`. */
  waitMs: number;
  bodyLimitBytes: number;
  /** The self-deploy token: it allows this route and nothing else. */
  token: string;
}

/** `Authorization: Bearer <self-deploy token>`, which the start command puts in the agent's environment. */
function requireDeployToken(token: string): RequestHandler {
  const matches = bearerChecker(token);
  return (req, _res, next) => {
    if (!matches(req.headers.authorization)) {
      throw new UnauthorizedError(
        "send the self-deploy token: -H \"Authorization: Bearer $APP_BUILDING_DEPLOY_TOKEN\" (the platform's agent has it in its environment; it is kept in core-back's data directory as self-deploy.token)",
      );
    }
    next();
  };
}

/**
 * `POST /api/v1/self/deploy[?wait=false]`: the one blocking call a self-edit agent makes.
 * It answers when the deploy is terminal (`200` ok, `500` otherwise) with the outcome,
 * `errorSummary` and the log's last 8 KB. Loopback peers only (no forwarding header), with
 * the self-deploy token. A caller that hangs up stops waiting; the
 * deploy goes on.
 */
export function selfDeployRouter(deps: SelfDeployDeps): Router {
  const router = Router();
  router.post(
    "/api/v1/self/deploy",
    requireLocal(),
    requireDeployToken(deps.token),
    jsonBody(deps.bodyLimitBytes),
    async (req, res) => {
      const { wait } = parseQuery(selfDeployQuerySchema, req.query);
      const body = parseDeployRequest(req.body);
      const scope = scopeFor(body.scope ?? "auto", deps.service.getMode());
      const input = { scope, requestedBy: null, sessionId: body.sessionId ?? null };
      if (!wait) {
        const { deploy, joined } = deps.service.startIfIdle(input);
        res.status(202).json({ deployId: deploy.id, status: deploy.status, scope: deploy.scope, joined });
        return;
      }
      const { deploy } = deps.service.start(input);
      const hangUp = new AbortController();
      res.on("close", () => hangUp.abort());
      let done;
      try {
        done = await deps.service.waitForDone(deploy.id, deps.waitMs, hangUp.signal);
      } catch (error) {
        if (hangUp.signal.aborted && !(error instanceof DeployWaitTimeoutError)) return; // the caller left
        throw error;
      }
      const answer = toSelfDeployResponse(done, deps.service.readLogTail(done.id));
      res.status(answer.ok ? 200 : 500).json(answer);
    },
  );
  return router;
}
