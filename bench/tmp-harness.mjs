// Shared by the container-runtime benchmarks (not a benchmark itself): starts the built
// runtime as a real process with the command agent running `agentSource` under node, waits
// for its ready line, and gives back its URL, an authenticated JSON helper and a cleanup.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const main = join(root, "apps/container-runtime/dist/main.js");

/** The bearer token every benchmark runtime uses. */
export const TOKEN = "bench-token-0123456789";

/**
 * Starts a runtime in a fresh temp dir. `agentSource` is the program the command agent runs
 * (`node -e agentSource PROMPT`), so a benchmark controls exactly what the agent prints.
 *
 * @param {{ name: string, agentSource: string }} options
 */
export async function startRuntime({ name, agentSource }) {
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  const child = spawn(process.execPath, [...(process.env.RT_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.RT_PROF] : []), main], {
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      PORT: "0",
      HOST: "127.0.0.1",
      CONTAINER_TOKEN: TOKEN,
      AGENT: "command",
      AGENT_COMMAND: JSON.stringify([process.execPath, "-e", agentSource]),
      DATA_DIR: join(dir, "data"),
      WORKSPACE_DIR: join(dir, "ws"),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const close = () => {
    child.kill(process.env.RT_PROF ? "SIGTERM" : "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  /** @type {number} */
  let port;
  try {
    port = await new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).once("line", (line) => resolve(readyPort(line)));
      child.once("exit", (code) => reject(new Error(`runtime exited ${code}`)));
    });
  } catch (error) {
    close();
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  const headers = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };
  /**
   * GET `path`, or POST `body` as JSON to it; resolves to the parsed answer.
   *
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<unknown>}
   */
  const api = async (path, body) => {
    const response = await fetch(url + path, {
      method: body === undefined ? "GET" : "POST",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json();
  };
  return { child, dir, port, url, headers, api, close };
}

/**
 * The port in a server's ready line (`{"ready":true,"port":N,...}`).
 *
 * @param {string} line
 */
function readyPort(line) {
  /** @type {unknown} */
  const ready = JSON.parse(line);
  return /** @type {{ port: number }} */ (ready).port;
}
