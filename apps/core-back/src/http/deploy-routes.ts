import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Router, type Response } from "express";
import { deployModeBodySchema, rollbackRequestSchema } from "@app-building/types";
import type { Auth } from "../auth/auth.js";
import type { DeployService } from "../deploy/service.js";
import { DeployNotFoundError } from "../errors.js";
import { jsonBody, parseBody, parseDeployRequest, parseQuery } from "./body.js";
import { writeFollowed } from "./log-follow.js";
import { deployListQuerySchema, deployLogQuerySchema } from "./schemas.js";
import { currentUser, requireAdmin, requireSession } from "./session.js";
import { scopeFor, toDeployView } from "./views.js";

/** A log is plain text, read fresh on every call. */
function sendLogHeaders(res: Response): void {
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.setHeader("Cache-Control", "no-store");
}

/** What the `/deploy` routes need. */
export interface DeployRoutesDeps {
  service: DeployService;
  auth: Auth;
  bodyLimitBytes: number;
}

/**
 * `/deploy`: the platform team's view of deploys, behind Better-Auth (cookie, bearer or
 * API key): list, get, log (`?follow=1` streams until the deploy ends), start, cancel,
 * and the deploy mode (admins only).
 */
export function deployRouter(deps: DeployRoutesDeps): Router {
  const { service } = deps;
  const router = Router();
  const body = jsonBody(deps.bodyLimitBytes);
  router.use("/deploy", requireSession(deps.auth));

  router.get("/deploy", (req, res) => {
    const { limit, cursor } = parseQuery(deployListQuerySchema, req.query);
    const page = service.list(limit, cursor);
    res.json({ items: page.items.map(toDeployView), nextCursor: page.nextCursor });
  });

  router.get("/deploy/mode", requireAdmin, (_req, res) => {
    res.json({ mode: service.getMode() });
  });

  router.put("/deploy/mode", requireAdmin, body, (req, res) => {
    const { mode } = parseBody(deployModeBodySchema, req.body);
    res.json({ mode: service.setMode(mode) });
  });

  router.get("/deploy/releases", (_req, res) => {
    res.json(service.listReleases());
  });

  router.post("/deploy/rollback", requireAdmin, body, async (req, res) => {
    const { releaseId } = parseBody(rollbackRequestSchema, req.body);
    const deploy = await service.rollback(releaseId, currentUser(res).email);
    res.status(deploy.status === "ok" ? 200 : 500).json(toDeployView(deploy));
  });

  router.post("/deploy", body, (req, res) => {
    const request = parseDeployRequest(req.body);
    const scope = scopeFor(request.scope ?? "auto", service.getMode());
    const { deploy, joined } = service.start({
      scope,
      requestedBy: currentUser(res).email,
      sessionId: request.sessionId ?? null,
    });
    res.status(202).json({ deployId: deploy.id, status: deploy.status, scope: deploy.scope, joined });
  });

  router.get("/deploy/:id", (req, res) => {
    const deploy = service.get(req.params.id);
    if (deploy === undefined) throw new DeployNotFoundError(req.params.id);
    res.json(toDeployView(deploy));
  });

  router.get("/deploy/:id/log", async (req, res) => {
    const { follow } = parseQuery(deployLogQuerySchema, req.query);
    if (follow) {
      const hangUp = new AbortController();
      const log = service.followLog(req.params.id, hangUp.signal);
      sendLogHeaders(res);
      res.flushHeaders();
      await writeFollowed(log, res, hangUp);
      return;
    }
    const log = service.readLog(req.params.id);
    sendLogHeaders(res);
    await pipeline(Readable.from(log), res).catch(() => {
      if (!res.writableEnded) res.destroy();
    });
  });

  router.post("/deploy/:id/cancel", async (req, res) => {
    const deploy = await service.cancel(req.params.id, currentUser(res).email);
    res.json(toDeployView(deploy));
  });

  return router;
}
