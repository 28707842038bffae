import { deployModeSchema, requestedScopeSchema } from "@app-building/types";
import { Hono } from "hono";
import { z } from "zod";
import type { CoreBackClient } from "../core-back.js";
import { BadRequestError } from "../errors.js";
import { deployDetailPage, deployListPage } from "../views/deploys.js";
import type { Notice } from "../views/layout.js";
import type { ConsoleEnv } from "./context.js";
import { noticeFrom } from "./context.js";
import { readForm } from "./forms.js";

/** How many deploys a page lists. */
export const PAGE_SIZE = 50;
/** The most of a log the detail page shows (its tail); the raw log has it all. */
const MAX_LOG_BYTES = 512 * 1024;

const startForm = z.object({ scope: requestedScopeSchema });
const modeForm = z.object({ mode: deployModeSchema });
const rollbackForm = z.object({ releaseId: z.string().min(1).max(200) });

/** Drops the first `count` bytes of a stream: the part of a log the page already shows. */
export function skipBytes(count: number): TransformStream<Uint8Array, Uint8Array> {
  let left = count;
  return new TransformStream({
    transform(chunk, controller) {
      if (left >= chunk.byteLength) {
        left -= chunk.byteLength;
        return;
      }
      controller.enqueue(left === 0 ? chunk : chunk.subarray(left));
      left = 0;
    },
  });
}

const TEXT_HEADERS = {
  "content-type": "text/plain; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
};

/** `/` (deploy list), `/deploys/*` and `/mode`. */
export function deployRoutes(coreBack: CoreBackClient): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>();

  routes.get("/", async (c) => {
    const cursor = c.req.query("cursor");
    if (cursor !== undefined && !/^\d{1,15}$/.test(cursor)) {
      throw new BadRequestError('?cursor must be the one a "Next page" link carries: start again from the first page');
    }
    const user = c.get("user");
    const cookie = c.get("cookie");
    const [deploys, mode, releases] = await Promise.all([
      coreBack.listDeploys(cookie, { limit: PAGE_SIZE, cursor }),
      user.admin ? coreBack.getMode(cookie).catch(() => null) : null,
      coreBack.listReleases(cookie).catch(() => null),
    ]);
    return c.html(deployListPage({ user, deploys, mode, releases, cursor, notices: noticeFrom(c) }));
  });

  routes.post("/deploys", async (c) => {
    const { scope } = await readForm(c, startForm);
    const started = await coreBack.startDeploy(c.get("cookie"), scope);
    return c.redirect(
      `/deploys/${encodeURIComponent(started.deployId)}?notice=${started.joined ? "joined" : "started"}`,
      303,
    );
  });

  routes.post("/releases/rollback", async (c) => {
    const { releaseId } = await readForm(c, rollbackForm);
    const deploy = await coreBack.rollback(c.get("cookie"), releaseId);
    const notice = deploy.status === "ok" ? "rolled-back" : "rollback-failed";
    return c.redirect(`/deploys/${encodeURIComponent(deploy.id)}?notice=${notice}`, 303);
  });

  routes.post("/mode", async (c) => {
    const { mode } = await readForm(c, modeForm);
    await coreBack.setMode(c.get("cookie"), mode);
    return c.redirect("/?notice=mode-changed", 303);
  });

  routes.get("/deploys/:id", async (c) => {
    const id = c.req.param("id");
    const cookie = c.get("cookie");
    const [deploy, log] = await Promise.all([coreBack.getDeploy(cookie, id), coreBack.getDeployLog(cookie, id)]);
    const notices: Notice[] = noticeFrom(c);
    let shown = log;
    if (log.byteLength > MAX_LOG_BYTES) {
      shown = log.subarray(log.byteLength - MAX_LOG_BYTES);
      notices.push({
        kind: "status",
        text: `The log is ${Math.round(log.byteLength / 1024)} KB: the last ${MAX_LOG_BYTES / 1024} KB are shown; the raw log has it all.`,
      });
    }
    return c.html(
      deployDetailPage({
        user: c.get("user"),
        deploy,
        log: shown.toString("utf8"),
        logBytes: log.byteLength,
        notices,
      }),
    );
  });

  routes.get("/deploys/:id/log", async (c) => {
    const log = await coreBack.getDeployLog(c.get("cookie"), c.req.param("id"));
    return c.body(new Uint8Array(log), 200, TEXT_HEADERS);
  });

  routes.get("/deploys/:id/log/follow", async (c) => {
    const from = c.req.query("from") ?? "0";
    if (!/^\d{1,15}$/.test(from)) throw new BadRequestError("?from must be a byte count (a whole number)");
    const upstream = await coreBack.followDeployLog(c.get("cookie"), c.req.param("id"), c.req.raw.signal);
    const body = upstream.body === null ? null : upstream.body.pipeThrough(skipBytes(Number(from)));
    return new Response(body, { status: 200, headers: TEXT_HEADERS });
  });

  routes.post("/deploys/:id/cancel", async (c) => {
    const id = c.req.param("id");
    await coreBack.cancelDeploy(c.get("cookie"), id);
    return c.redirect(`/deploys/${encodeURIComponent(id)}?notice=cancelled`, 303);
  });

  return routes;
}
