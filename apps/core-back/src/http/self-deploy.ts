import { Router } from "express";
import type { RequestHandler } from "express";
import type { DeployService } from "../deploy/service.js";
import { DeployWaitTimeoutError, NotLocalhostError } from "../errors.js";
import { jsonBody, parseDeployRequest, queryFlag } from "./body.js";
import { checkLocalRequest } from "./loopback.js";
import { scopeFor, toSelfDeployResponse } from "./views.js";

/** What the self-deploy route needs. */
export interface SelfDeployDeps {
  service: DeployService;
  /** How long a blocking call waits before `504 deploy_timeout`. */
  waitMs: number;
  bodyLimitBytes: number;
}

/** Loopback peers only; a request that carries proxy headers is not local. */
export const requireLocal: RequestHandler = (req, _res, next) => {
  const check = checkLocalRequest(req.socket.remoteAddress, req.headers);
  if (!check.local) throw new NotLocalhostError(check.reason);
  next();
};

/**
 * `POST /api/v1/self/deploy[?wait=false]`: the one blocking call a self-edit agent makes.
 * It answers when the deploy is terminal (`200` ok, `500` otherwise) with the outcome,
 * `errorSummary` and the log's last 8 KB. A caller that hangs up stops waiting; the
 * deploy goes on.
 */
export function selfDeployRouter(deps: SelfDeployDeps): Router {
  const router = Router();
  router.post("/api/v1/self/deploy", requireLocal, jsonBody(deps.bodyLimitBytes), async (req, res) => {
    const wait = queryFlag(req.query.wait, "wait", true);
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
    const answer = toSelfDeployResponse(done);
    res.status(answer.ok ? 200 : 500).json(answer);
  });
  return router;
}
