import { spawnGroup } from "@app-building/types/process";
import { existsSync } from "node:fs";
import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { decodeResponse, encodeCall, type XmlRpcValue } from "./xmlrpc.js";

/** supervisord's fault codes (supervisor/xmlrpc.py `Faults`). */
const SUPERVISOR_FAULTS = {
  UNKNOWN_METHOD: 1,
  INCORRECT_PARAMETERS: 2,
  BAD_ARGUMENTS: 3,
  SHUTDOWN_STATE: 6,
  BAD_NAME: 10,
  NO_FILE: 20,
  NOT_EXECUTABLE: 21,
  FAILED: 30,
  ABNORMAL_TERMINATION: 40,
  SPAWN_ERROR: 50,
  ALREADY_STARTED: 60,
  NOT_RUNNING: 70,
} as const;

/** A fault supervisord answered with (over HTTP 200). */
export class SupervisorFaultError extends Error {
  override readonly name = "SupervisorFaultError";
  /** The program's recent output, when the fault concerns a program that failed to start. */
  outputTail?: string;

  constructor(
    readonly method: string,
    readonly faultCode: number,
    readonly faultString: string,
  ) {
    super(`supervisord refused ${method}: ${faultString} (fault ${faultCode})`);
  }
}

/** supervisord could not be reached or answered something that is not XML-RPC. */
export class SupervisorUnavailableError extends Error {
  override readonly name = "SupervisorUnavailableError";
  outputTail?: string;
}

/** One program as supervisord describes it. */
export interface ProcessInfo {
  name: string;
  statename: string;
  pid: number;
  exitstatus: number;
  /** When the current (or last) process started, in unix seconds; 0 if never. */
  start: number;
}

/** Where a program's logs ended before a restart: its output since then is the restart's own. */
export interface LogOffsets {
  stdout: number;
  stderr: number;
}

const LOG_CHANNELS = [
  { name: "stdout", tail: "supervisor.tailProcessStdoutLog", read: "supervisor.readProcessStdoutLog" },
  { name: "stderr", tail: "supervisor.tailProcessStderrLog", read: "supervisor.readProcessStderrLog" },
] as const;

/** How to reach supervisord. */
export interface SupervisorClientOptions {
  /** The `[unix_http_server]` socket file. */
  socketPath: string;
  /** How long one call may take (`startProcess` waits `startsecs`). */
  timeoutMs?: number;
  /** How much of a failing program's output a restart error carries. */
  outputTailBytes?: number;
  /**
   * How many times a restart stops and starts again when the process supervisord's own
   * autorestart started in between is not one it can vouch for (default 3).
   */
  restartAttempts?: number;
  /** How often to ask supervisord about a program it is starting by itself (default 100 ms). */
  pollMs?: number;
}

function helperPath(): string {
  const here = fileURLToPath(new URL("./restart-self.js", import.meta.url));
  // Running from sources (tests), the helper is only in the build output.
  return existsSync(here) ? here : here.replace(/\/src\/supervisor\//, "/dist/supervisor/");
}

/**
 * supervisord's XML-RPC interface over its unix socket (no `supervisorctl`). A restart is
 * `stopProcess` (a program that is not running is fine) then `startProcess` with wait,
 * which resolves once the program stayed up for its `startsecs`.
 */
export class SupervisorClient {
  private readonly timeoutMs: number;
  private readonly outputTailBytes: number;
  private readonly restartAttempts: number;
  private readonly pollMs: number;

  constructor(private readonly options: SupervisorClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 120_000;
    this.outputTailBytes = options.outputTailBytes ?? 2048;
    this.restartAttempts = options.restartAttempts ?? 3;
    this.pollMs = options.pollMs ?? 100;
  }

  /** The socket this client talks to. */
  get socketPath(): string {
    return this.options.socketPath;
  }

  /** Calls one XML-RPC method. @throws {SupervisorFaultError} @throws {SupervisorUnavailableError} */
  call(method: string, params: readonly XmlRpcValue[] = []): Promise<XmlRpcValue> {
    const body = encodeCall(method, params);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath: this.options.socketPath,
          path: "/RPC2",
          method: "POST",
          headers: { "Content-Type": "text/xml", "Content-Length": Buffer.byteLength(body) },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", (error) => reject(new SupervisorUnavailableError(error.message, { cause: error })));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            if (res.statusCode !== 200) {
              reject(new SupervisorUnavailableError(`supervisord answered HTTP ${res.statusCode} to ${method}`));
              return;
            }
            try {
              const decoded = decodeResponse(text);
              if (decoded.ok) resolve(decoded.value);
              else reject(new SupervisorFaultError(method, decoded.faultCode, decoded.faultString));
            } catch (error) {
              reject(
                new SupervisorUnavailableError(`supervisord sent a body that is not XML-RPC for ${method}`, {
                  cause: error,
                }),
              );
            }
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer to ${method} within ${this.timeoutMs} ms`)));
      req.on("error", (error) =>
        reject(
          new SupervisorUnavailableError(`cannot reach supervisord at ${this.options.socketPath}: ${error.message}`, {
            cause: error,
          }),
        ),
      );
      req.end(body);
    });
  }

  /** One program's state. */
  async getProcessInfo(program: string): Promise<ProcessInfo> {
    const value = (await this.call("supervisor.getProcessInfo", [program])) as Record<string, XmlRpcValue>;
    return {
      name: typeof value.name === "string" ? value.name : program,
      statename: typeof value.statename === "string" ? value.statename : "UNKNOWN",
      pid: Number(value.pid),
      exitstatus: Number(value.exitstatus),
      start: Number(value.start),
    };
  }

  /** Stops a program and waits until it is down; a program already stopped is fine. */
  async stop(program: string): Promise<void> {
    try {
      await this.call("supervisor.stopProcess", [program, true]);
    } catch (error) {
      if (error instanceof SupervisorFaultError && error.faultCode === SUPERVISOR_FAULTS.NOT_RUNNING) return;
      throw error;
    }
  }

  /** Starts a program and waits until it has stayed up for its `startsecs`. */
  async start(program: string): Promise<void> {
    await this.call("supervisor.startProcess", [program, true]);
  }

  /**
   * Restarts a program (stop, then start with wait). A failure carries the program's own
   * output since the stop as `outputTail`: this attempt's, not what earlier runs logged.
   *
   * A crashed program that supervisord autorestarts can be started by supervisord itself
   * between our stop (which then finds it EXITED: not running) and our start, which then
   * faults `ALREADY_STARTED`. The process running then was started after our stop, from
   * what is on disk now: the restart waits until it is up (or fails as a start would),
   * and stops and starts again, a bounded number of times, when it cannot tell.
   */
  async restart(program: string): Promise<void> {
    let offsets: LogOffsets | undefined;
    try {
      for (let attempt = 1; ; attempt += 1) {
        const stopRequestedAt = Date.now();
        await this.stop(program);
        offsets ??= await this.logOffsets(program);
        try {
          await this.start(program);
          return;
        } catch (error) {
          if (!(error instanceof SupervisorFaultError) || error.faultCode !== SUPERVISOR_FAULTS.ALREADY_STARTED) {
            throw error;
          }
          if ((await this.awaitAutorestart(program, stopRequestedAt)) === "up") return;
          if (attempt >= this.restartAttempts) throw error;
        }
      }
    } catch (error) {
      if (error instanceof SupervisorFaultError && error.faultCode !== SUPERVISOR_FAULTS.BAD_NAME) {
        error.outputTail = await this.outputTail(program, offsets);
      }
      throw error;
    }
  }

  /**
   * Stops a program and starts it again without waiting for `startsecs`: for a caller
   * that checks the service itself (the health gate). A start supervisord's own
   * autorestart made in between (`ALREADY_STARTED`) is a start too: it ran after the stop.
   *
   * @returns where the program's logs stood before the start: its output since then is this start's.
   */
  async launch(program: string): Promise<LogOffsets | undefined> {
    await this.stop(program);
    const offsets = await this.logOffsets(program);
    try {
      await this.call("supervisor.startProcess", [program, false]);
    } catch (error) {
      if (!(error instanceof SupervisorFaultError) || error.faultCode !== SUPERVISOR_FAULTS.ALREADY_STARTED)
        throw error;
    }
    return offsets;
  }

  /**
   * After `ALREADY_STARTED`: follows the process supervisord started by itself until it is
   * RUNNING (it stayed up its `startsecs`, as a start with wait would) or stopped trying.
   *
   * @returns `"up"` when a process started after our stop is running; `"again"` when the
   * restart must stop and start again (it died, or started before our stop).
   */
  private async awaitAutorestart(program: string, stopRequestedAt: number): Promise<"up" | "again"> {
    const deadline = Date.now() + this.timeoutMs;
    // supervisord counts start times in whole seconds.
    const stoppedAtSeconds = Math.floor(stopRequestedAt / 1000);
    for (;;) {
      const info = await this.getProcessInfo(program);
      if (info.start < stoppedAtSeconds) return "again";
      if (info.statename === "RUNNING") return "up";
      if (info.statename !== "STARTING" || Date.now() >= deadline) return "again";
      await sleep(this.pollMs);
    }
  }

  /**
   * Where the program's logs end now (a tail of length 0 answers a log's size);
   * `undefined` when supervisord cannot say.
   */
  async logOffsets(program: string): Promise<LogOffsets | undefined> {
    try {
      const [stdout, stderr] = await Promise.all(
        LOG_CHANNELS.map(async (channel) => {
          const value = await this.call(channel.tail, [program, 0, 0]);
          return Array.isArray(value) ? Number(value[1]) : 0;
        }),
      );
      return { stdout: stdout ?? 0, stderr: stderr ?? 0 };
    } catch {
      return undefined;
    }
  }

  /**
   * A program's output (stdout, then stderr when logged apart), at most
   * `outputTailBytes` of each: since `since` when given, else the logs' last bytes.
   */
  async outputTail(program: string, since?: LogOffsets): Promise<string> {
    const parts: string[] = [];
    for (const channel of LOG_CHANNELS) {
      try {
        const text =
          since === undefined
            ? await this.tailText(channel.tail, program)
            : await this.textSince(channel, program, since[channel.name]);
        if (text.trim() !== "") parts.push(text.trimEnd());
      } catch {
        // A program without that log has nothing to show.
      }
    }
    return parts.join("\n");
  }

  private async tailText(method: string, program: string): Promise<string> {
    const value = await this.call(method, [program, 0, this.outputTailBytes]);
    return Array.isArray(value) && typeof value[0] === "string" ? value[0] : "";
  }

  private async textSince(channel: (typeof LOG_CHANNELS)[number], program: string, offset: number): Promise<string> {
    const sizeNow = await this.call(channel.tail, [program, 0, 0]);
    const size = Array.isArray(sizeNow) ? Number(sizeNow[1]) : 0;
    // A log rotated since the offset was taken holds only output written after it.
    const from = size < offset ? 0 : offset;
    if (size <= from) return "";
    const start = Math.max(from, size - this.outputTailBytes);
    // supervisord decodes what it reads as UTF-8: a start inside a character is refused, so
    // a cut start moves on to the next character boundary (at most 3 bytes on).
    for (let skip = 0; ; skip += 1) {
      try {
        const value = await this.call(channel.read, [program, start + skip, size - start - skip]);
        return typeof value === "string" ? value : "";
      } catch (error) {
        if (start === from || skip >= 3 || start + skip + 1 >= size) throw error;
      }
    }
  }

  /**
   * Restarts the program this process runs as. A helper in its own session asks
   * supervisord to stop then start it, so the restart completes after this process is gone.
   */
  restartSelf(program: string, watch: readonly string[] = []): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawnGroup(process.execPath, [helperPath(), this.options.socketPath, program, ...watch], {
        stdio: "ignore",
      });
      child.once("error", reject);
      child.once("spawn", () => {
        child.unref();
        resolve();
      });
    });
  }
}
