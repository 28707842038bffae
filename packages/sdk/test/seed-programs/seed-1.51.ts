// A program written against @replayio/app-building 1.51: a custom synchronous registry,
// the agent chosen by agentCommand with extra env, namePrefix and localPort, a clone
// branch priority list without pushBranch (never commit), containerHttpOptions, and a
// second container started without a repo (startContainer(config, null)).
// Usage: node seed-1.51.js <projectRoot> <repoUrl> <localPort>
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  containerHttpOptions,
  httpGet,
  httpPost,
  loadDotEnv,
  probeAlive,
  startContainer,
  stopContainer,
  type AgentState,
  type ContainerConfig,
  type ContainerRegistry,
  type HttpOptions,
  type RegistryEntry,
  type RepoOptions,
} from "@replayio/app-building";

/** The seed's style of registry: synchronous JSON lines, rewritten on every update. */
class JsonlRegistry implements ContainerRegistry {
  constructor(private readonly file: string) {}
  private read(): RegistryEntry[] {
    try {
      return readFileSync(this.file, "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as RegistryEntry);
    } catch {
      return [];
    }
  }
  private update(name: string | undefined, change: (entry: RegistryEntry) => void): void {
    const entries = this.read();
    const entry = [...entries].reverse().find((e) => (name === undefined ? !e.stoppedAt : e.containerName === name));
    if (entry === undefined) return;
    change(entry);
    writeFileSync(this.file, entries.map((e) => JSON.stringify(e)).join("\n") + "\n");
  }
  log(state: AgentState): void {
    appendFileSync(this.file, JSON.stringify({ ...state, startedAt: new Date().toISOString() }) + "\n");
  }
  markStopped(containerName?: string): void {
    this.update(containerName, (entry) => {
      entry.stoppedAt = new Date().toISOString();
    });
  }
  clearStopped(containerName: string): void {
    this.update(containerName, (entry) => {
      delete entry.stoppedAt;
    });
  }
  getRecent(limit = 20): RegistryEntry[] {
    return this.read().slice(-limit).reverse();
  }
  find(containerName: string): RegistryEntry | null {
    return this.getRecent(1000).find((entry) => entry.containerName === containerName) ?? null;
  }
  async findAlive(): Promise<RegistryEntry[]> {
    const recent = this.getRecent().filter((entry) => !entry.stoppedAt);
    const alive = await Promise.all(recent.map((entry) => probeAlive(entry)));
    return recent.filter((_, i) => alive[i]);
  }
}

async function runPrompt(
  baseUrl: string,
  opts: HttpOptions,
  prompt: string,
): Promise<{ status: string; result: string | null }> {
  const { id } = await httpPost(`${baseUrl}/message`, { prompt }, opts);
  for (;;) {
    const message = await httpGet(`${baseUrl}/message/${id}`, opts);
    if (message.status !== "queued" && message.status !== "processing") return message;
    await sleep(100);
  }
}

const [projectRoot, repoUrl, port] = process.argv.slice(2) as [string, string, string];
const dotEnv = loadDotEnv(projectRoot);
const registry = new JsonlRegistry(join(projectRoot, "seed-registry.jsonl"));
const config: ContainerConfig = {
  projectRoot,
  registry,
  agentCommand: 'echo "$SEED_GREETING: $1"; printf "made by the agent\\n" > made.txt',
  env: { SEED_GREETING: dotEnv.SEED_GREETING ?? "no .env" },
  model: "seed-model",
  namePrefix: "seed151",
  localPort: Number(port),
};
const repo: RepoOptions = { repoUrl, cloneBranch: "no-such-branch,main" };

const state = await startContainer(config, repo);
const opts = containerHttpOptions(config, state);
const message = await runPrompt(state.baseUrl, opts, "look around");
const status = await httpGet(`${state.baseUrl}/status`, opts);
await stopContainer(config, state);

const bare = await startContainer({ ...config, localPort: undefined }, null);
const bareMessage = await runPrompt(bare.baseUrl, containerHttpOptions(config, bare), "no repo here");
await stopContainer(config, bare);

console.log(
  JSON.stringify({
    containerName: state.containerName,
    port: state.port,
    baseUrl: state.baseUrl,
    messageStatus: message.status,
    result: message.result,
    revision: status.revision,
    bareName: bare.containerName,
    bareStatus: bareMessage.status,
    bareResult: bareMessage.result,
    recorded: registry.getRecent().map((entry) => ({ name: entry.containerName, stopped: Boolean(entry.stoppedAt) })),
  }),
);
