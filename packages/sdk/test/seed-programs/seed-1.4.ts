// A program written against @replayio/app-building 1.4 (the envVars era): the config
// comes from the project's .env, the container is driven through httpPost/httpGet with
// httpOptsFor, and it is stopped by name. Usage: node seed-1.4.js <projectRoot> <repoUrl>
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  FileContainerRegistry,
  httpGet,
  httpOptsFor,
  httpPost,
  loadDotEnv,
  startContainer,
  stopContainer,
  type AgentState,
  type ContainerConfig,
  type RepoOptions,
} from "@replayio/app-building";

const [projectRoot, repoUrl] = process.argv.slice(2) as [string, string];
const envVars = loadDotEnv(projectRoot);
const config: ContainerConfig = {
  projectRoot,
  envVars,
  registry: new FileContainerRegistry(join(projectRoot, ".container-registry.jsonl")),
};
const repo: RepoOptions = { repoUrl, cloneBranch: "main", pushBranch: "agent/seed-1-4" };

const state: AgentState = await startContainer(config, repo);
const httpOpts = httpOptsFor(state);
const { id } = await httpPost(`${state.baseUrl}/message`, { prompt: "write the notes" }, httpOpts);
let message = await httpGet(`${state.baseUrl}/message/${id}`, httpOpts);
while (message.status === "queued" || message.status === "processing") {
  await sleep(100);
  message = await httpGet(`${state.baseUrl}/message/${id}`, httpOpts);
}
const status = await httpGet(`${state.baseUrl}/status`, httpOpts);
const alive = await config.registry.findAlive();
await stopContainer(config, state.containerName);

console.log(
  JSON.stringify({
    containerName: state.containerName,
    port: state.port,
    baseUrl: state.baseUrl,
    messageStatus: message.status,
    result: message.result,
    pushBranch: status.pushBranch,
    aliveBeforeStop: alive.map((entry) => entry.containerName),
  }),
);
