import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, open, rm } from "node:fs/promises";
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signalGroup, spawnGroup } from "@app-building/types/process";

/**
 * A local stand-in for the Fly Machines REST API and for `https://<app>.fly.dev`, for
 * tests only. Each machine is a real container runtime process on 127.0.0.1; the app
 * server routes a request to the machine named by `fly-force-instance-id` (or, without
 * it, to the first running machine, as Fly's load balancer might). Failures Fly produces
 * (capacity, MANIFEST_UNKNOWN, 5xx, a machine that never answers) can be queued.
 */
export interface FlyMachinesStandIn {
  /** Base URL of the Machines API stand-in (`.../v1`). */
  apiBaseUrl: string;
  /** Base URL of the app stand-in. */
  appBaseUrl: string;
  token: string;
  machines: Map<string, StandInMachine>;
  /** Requests seen, as `METHOD path`. */
  requests: string[];
  /** Makes the next create in `region` fail with 412 insufficient capacity. */
  noCapacityIn(region: string): void;
  /** Makes the next `count` creates fail with the given status and body. */
  failNextCreates(count: number, status: number, body: unknown): void;
  /** The next machine created reaches `started` but its runtime never answers. */
  nextMachineNeverAnswers(): void;
  close(): Promise<void>;
}

export interface StandInMachine {
  id: string;
  name: string;
  region: string;
  state: "created" | "started" | "stopped" | "destroyed";
  config: { env: Record<string, string>; metadata?: Record<string, string>; image: string };
  createdAt: string;
  port: number | null;
  child: ChildProcess | null;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text === "" ? null : (JSON.parse(text) as unknown);
}

function view(machine: StandInMachine) {
  return {
    id: machine.id,
    name: machine.name,
    state: machine.state,
    region: machine.region,
    created_at: machine.createdAt,
    config: { image: machine.config.image, env: {}, metadata: machine.config.metadata ?? {} },
  };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no address");
  return address.port;
}

export async function startFlyMachinesStandIn(options: { runtimeEntry: string }): Promise<FlyMachinesStandIn> {
  const root = await mkdtemp(join(tmpdir(), "fly-standin-"));
  const token = randomBytes(16).toString("hex");
  const machines = new Map<string, StandInMachine>();
  const requests: string[] = [];
  const noCapacity = new Set<string>();
  const createFailures: { status: number; body: unknown }[] = [];
  let neverAnswers = false;
  const waiters = new Set<() => void>();
  const changed = () => {
    for (const wake of waiters) wake();
  };

  const boot = async (machine: StandInMachine): Promise<void> => {
    const dir = join(root, machine.id);
    await mkdir(dir, { recursive: true });
    const out = await open(join(dir, "runtime.out"), "a");
    const child = spawnGroup(process.execPath, [options.runtimeEntry], {
      cwd: dir,
      stdio: ["ignore", "pipe", out.fd],
      env: {
        ...process.env,
        ...machine.config.env,
        PORT: "0",
        HOST: "127.0.0.1",
        DATA_DIR: join(dir, "data"),
        WORKSPACE_DIR: join(dir, "workspace"),
      },
    });
    await out.close();
    machine.child = child;
    let seen = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      const match = /\{"ready":true,"port":(\d+)\}/.exec(seen);
      if (match !== null && machine.port === null) {
        machine.port = Number(match[1]);
        machine.state = "started";
        changed();
      }
    });
    child.on("exit", () => {
      if (machine.state !== "destroyed") machine.state = "stopped";
      machine.port = null;
      changed();
    });
  };

  const kill = (machine: StandInMachine) => {
    if (machine.child?.pid !== undefined && machine.child.exitCode === null) signalGroup(machine.child.pid, "SIGKILL");
  };

  const api = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://standin");
      requests.push(`${req.method} ${url.pathname}`);
      if (req.headers.authorization !== `Bearer ${token}`) return json(res, 401, { error: "unauthorized" });
      const parts = url.pathname.split("/").filter(Boolean); // v1 apps APP machines [ID] [action]
      if (parts[0] !== "v1" || parts[1] !== "apps" || parts[3] !== "machines")
        return json(res, 404, { error: "not found" });
      const id = parts[4];
      const action = parts[5];
      if (req.method === "POST" && id === undefined) {
        const body = (await readBody(req)) as { name: string; region?: string; config: StandInMachine["config"] };
        const failure = createFailures.shift();
        if (failure !== undefined) return json(res, failure.status, failure.body);
        const region = body.region ?? "ord";
        if (noCapacity.delete(region)) {
          return json(res, 412, { error: `insufficient resources to create new machine in ${region}` });
        }
        const machine: StandInMachine = {
          id: randomBytes(7).toString("hex"),
          name: body.name,
          region,
          state: "created",
          config: body.config,
          createdAt: new Date().toISOString(),
          port: null,
          child: null,
        };
        machines.set(machine.id, machine);
        if (neverAnswers) {
          neverAnswers = false;
          machine.state = "started";
        } else {
          await boot(machine);
        }
        return json(res, 200, view(machine));
      }
      if (req.method === "GET" && id === undefined) {
        const filters = [...url.searchParams].filter(([k]) => k.startsWith("metadata."));
        const list = [...machines.values()].filter(
          (m) => m.state !== "destroyed" && filters.every(([k, v]) => m.config.metadata?.[k.slice(9)] === v),
        );
        return json(res, 200, list.map(view));
      }
      const machine = id === undefined ? undefined : machines.get(id);
      if (machine === undefined || machine.state === "destroyed") return json(res, 404, { error: "machine not found" });
      if (req.method === "GET" && action === "wait") {
        const want = url.searchParams.get("state") ?? "started";
        const deadline = Date.now() + Number(url.searchParams.get("timeout") ?? "60") * 1000;
        while (machine.state !== want) {
          if (Date.now() >= deadline)
            return json(res, 408, { error: "deadline_exceeded: timeout waiting for machine" });
          await new Promise<void>((resolve) => {
            const wake = () => {
              waiters.delete(wake);
              resolve();
            };
            waiters.add(wake);
            setTimeout(wake, Math.max(0, deadline - Date.now()));
          });
        }
        return json(res, 200, { ok: true });
      }
      if (req.method === "GET" && action === undefined) return json(res, 200, view(machine));
      if (req.method === "POST" && action === "stop") {
        kill(machine);
        return json(res, 200, { ok: true });
      }
      if (req.method === "DELETE" && action === undefined) {
        if (machine.state === "started" && url.searchParams.get("force") !== "true") {
          return json(res, 412, { error: "machine still active, refusing to delete" });
        }
        kill(machine);
        machine.state = "destroyed";
        changed();
        return json(res, 200, { ok: true });
      }
      return json(res, 404, { error: "not found" });
    })().catch((error: unknown) => json(res, 500, { error: String(error) }));
  });

  const app = createServer((req, res) => {
    const wanted = req.headers["fly-force-instance-id"];
    const target =
      typeof wanted === "string"
        ? machines.get(wanted)
        : [...machines.values()].find((m) => m.state === "started" && m.port !== null);
    if (target === undefined || target.state !== "started" || target.port === null) {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end("no machine is running that can serve this request");
      return;
    }
    const upstream = request(
      { host: "127.0.0.1", port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        // A machine that dies mid-response drops the client's connection too, as Fly's proxy does.
        answer.on("close", () => {
          if (!answer.complete) res.destroy();
        });
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end("the machine did not answer");
    });
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });

  const apiPort = await listen(api);
  const appPort = await listen(app);
  return {
    apiBaseUrl: `http://127.0.0.1:${apiPort}/v1`,
    appBaseUrl: `http://127.0.0.1:${appPort}`,
    token,
    machines,
    requests,
    noCapacityIn: (region) => noCapacity.add(region),
    failNextCreates: (count, status, body) => {
      for (let i = 0; i < count; i += 1) createFailures.push({ status, body });
    },
    nextMachineNeverAnswers: () => {
      neverAnswers = true;
    },
    async close() {
      for (const machine of machines.values()) kill(machine);
      api.closeAllConnections();
      app.closeAllConnections();
      await new Promise<void>((resolve) => api.close(() => resolve()));
      await new Promise<void>((resolve) => app.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
