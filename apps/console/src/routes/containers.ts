import type { AgentState, ContainerClient, RegistryEntry } from "@app-building/sdk";
import { MAX_PROMPT_LENGTH } from "@app-building/types";
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { describeContainerError, type Containers } from "../containers.js";
import { BadRequestError, ContainerActionError, NotFoundError } from "../errors.js";
import { summarizeEvent } from "../event-summary.js";
import { containerDetailPage, containerListPage, type ContainerSummary, type Probe } from "../views/containers.js";
import type { ConsoleEnv } from "./context.js";
import { noticeFrom } from "./context.js";
import { readForm } from "./forms.js";

/** Options of the containers routes. */
export interface ContainerRoutesOptions {
  /** Loads the SDK pieces (once). */
  containers: () => Promise<Containers>;
  /** How long a status probe may take. */
  probeTimeoutMs?: number;
  /** How many recent containers the list shows. */
  listLimit?: number;
  /** How many past events the live view starts with. */
  eventsBacklog?: number;
  /** How often an idle event stream sends a comment, so proxies keep it open. */
  heartbeatMs?: number;
}

const promptForm = z.object({ prompt: z.string().trim().min(1, "write a prompt").max(MAX_PROMPT_LENGTH) });

function summary(entry: RegistryEntry): ContainerSummary {
  return {
    name: entry.containerName,
    driver: entry.driver,
    baseUrl: entry.baseUrl,
    startedAt: entry.startedAt,
    stoppedAt: entry.stoppedAt ?? null,
  };
}

async function probe(client: ContainerClient, timeoutMs: number): Promise<Probe> {
  try {
    return { ok: true, status: await client.status({ signal: AbortSignal.timeout(timeoutMs) }) };
  } catch (error) {
    return { ok: false, reason: describeContainerError(error, client.state, timeoutMs) };
  }
}

/** An SDK failure of an action, in the container's words. */
function actionFailed(error: unknown, state: AgentState, what: string): ContainerActionError {
  return new ContainerActionError(what, describeContainerError(error, state), error);
}

/** `/containers`, `/containers/:name` and its events, prompt, interrupt and stop. */
export function containerRoutes(options: ContainerRoutesOptions): Hono<ConsoleEnv> {
  const probeTimeoutMs = options.probeTimeoutMs ?? 1_500;
  const routes = new Hono<ConsoleEnv>();

  async function lookup(name: string): Promise<{ containers: Containers; entry: RegistryEntry }> {
    const containers = await options.containers();
    const entry = await containers.registry.find(name);
    if (entry === null) {
      throw new NotFoundError(`no container "${name}" in the registry ${containers.registryPath}: see /containers`);
    }
    return { containers, entry };
  }

  const pathOf = (name: string) => `/containers/${encodeURIComponent(name)}`;

  routes.get("/containers", async (c) => {
    const containers = await options.containers();
    const entries = await containers.registry.getRecent(options.listLimit ?? 50);
    const probed = await Promise.all(
      entries.map(async (entry) => ({
        container: summary(entry),
        probe: await probe(containers.createClient(entry), probeTimeoutMs),
      })),
    );
    return c.html(
      containerListPage({
        user: c.get("user"),
        registryPath: containers.registryPath,
        containers: probed,
        notices: noticeFrom(c),
      }),
    );
  });

  routes.get("/containers/:name", async (c) => {
    const { containers, entry } = await lookup(c.req.param("name"));
    const client = containers.createClient(entry);
    const [status, tail] = await Promise.all([
      probe(client, probeTimeoutMs),
      client.eventsTail({ signal: AbortSignal.timeout(probeTimeoutMs) }).catch(() => 0),
    ]);
    return c.html(
      containerDetailPage({
        user: c.get("user"),
        container: summary(entry),
        probe: status,
        eventsFrom: Math.max(0, tail - (options.eventsBacklog ?? 50)),
        notices: noticeFrom(c),
      }),
    );
  });

  routes.get("/containers/:name/events", async (c) => {
    const lastId = c.req.header("last-event-id");
    const start = lastId !== undefined && lastId !== "" ? lastId : c.req.query("offset");
    let offset = 0;
    if (start !== undefined) {
      if (!/^\d{1,15}$/.test(start)) throw new BadRequestError("the event offset must be a whole number");
      offset = Number(start) + (lastId !== undefined && lastId !== "" ? 1 : 0);
    }
    const { containers, entry } = await lookup(c.req.param("name"));
    const client = containers.createClient(entry);
    c.header("cache-control", "no-store");
    return streamSSE(c, async (stream) => {
      const controller = new AbortController();
      stream.onAbort(() => controller.abort());
      const heartbeat = setInterval(() => {
        stream.write(": heartbeat\n\n").catch(() => controller.abort());
      }, options.heartbeatMs ?? 15_000);
      try {
        for await (const event of client.events({ offset, signal: controller.signal, reconnectTimeoutMs: 15_000 })) {
          await stream.writeSSE({ id: String(event.offset), data: JSON.stringify(summarizeEvent(event)) });
        }
        if (!controller.signal.aborted) await stream.writeSSE({ event: "end", data: "the container stopped" });
      } catch (error) {
        if (!controller.signal.aborted) {
          await stream.writeSSE({ event: "failure", data: describeContainerError(error, entry) });
        }
      } finally {
        clearInterval(heartbeat);
      }
    });
  });

  routes.post("/containers/:name/message", async (c) => {
    const { prompt } = await readForm(c, promptForm);
    const { containers, entry } = await lookup(c.req.param("name"));
    try {
      await containers.createClient(entry).sendMessage(prompt);
    } catch (error) {
      throw actionFailed(error, entry, "sending the prompt");
    }
    return c.redirect(`${pathOf(entry.containerName)}?notice=sent`, 303);
  });

  routes.post("/containers/:name/interrupt", async (c) => {
    const { containers, entry } = await lookup(c.req.param("name"));
    try {
      await containers.createClient(entry).interrupt();
    } catch (error) {
      throw actionFailed(error, entry, "interrupting");
    }
    return c.redirect(`${pathOf(entry.containerName)}?notice=interrupted`, 303);
  });

  routes.post("/containers/:name/stop", async (c) => {
    const { containers, entry } = await lookup(c.req.param("name"));
    try {
      await containers.createClient(entry).stop();
    } catch (error) {
      throw actionFailed(error, entry, "stopping");
    }
    return c.redirect(`${pathOf(entry.containerName)}?notice=stopping`, 303);
  });

  return routes;
}
