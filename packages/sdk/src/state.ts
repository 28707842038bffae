import type { AgentKind } from "@app-building/types";
import type { ContainerRegistry } from "./registry/registry.js";

/**
 * Where a container runs: `process` (the runtime as a local child process), `docker`
 * (a local Docker Engine) or `fly` (Fly.io Machines).
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, chooseDriver, startContainer, type DriverName } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const repo = { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main", pushBranch: "agent/work" };
 * const asked = process.env.AGENT_DRIVER as DriverName | undefined; // "process", "docker" or "fly"
 * const driver: DriverName = asked ?? (await chooseDriver(config));
 * const state = await startContainer({ ...config, driver }, repo);
 * console.log(`started ${state.containerName} with the ${state.driver} driver`);
 * ```
 */
export type DriverName = "process" | "docker" | "fly";

/**
 * Everything a container needs that is not per-run git settings: where to record it,
 * credentials, and the agent to run.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, startContainer, type ContainerConfig } from "@app-building/sdk";
 * const config: ContainerConfig = {
 *   envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" },
 *   registry: new FileContainerRegistry(".container-registry.jsonl"),
 *   initialPrompt: "Add a README",
 * };
 * const state = await startContainer(config, { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main" });
 * ```
 */
export interface ContainerConfig {
  /** The project the containers are started for (the docker driver looks for `docker/build-runtime-image.sh` in it). */
  projectRoot?: string;
  /**
   * The per-user folder the local drivers keep their container folders in
   * (`<stateDir>/containers/<name>/`: data, output and a fresh workspace); default
   * `defaultStateDir()` (`$XDG_STATE_HOME/app-building`, else
   * `~/.local/state/app-building`). Keep it out of any workspace an agent commits.
   *
   * @example
   * ```ts
   * import { FileContainerRegistry, defaultRegistryPath, startContainer } from "@app-building/sdk";
   * const stateDir = "/srv/agents/state";
   * await startContainer({ envVars: {}, stateDir, registry: new FileContainerRegistry(defaultRegistryPath(stateDir)) }, repo);
   * ```
   */
  stateDir?: string;
  /** Environment passed to the runtime and the agent (API keys, `GIT_TOKEN`, ...); `{}` when absent. */
  envVars?: Record<string, string>;
  /**
   * Extra environment for the agent (the seed's `env`): added to `envVars`, passed through
   * to the agent process; the variables the SDK sets (`CONTAINER_NAME`, `REPO_URL`,
   * `PUSH_BRANCH`, `AGENT`, ...) always win over it.
   *
   * @example
   * ```ts
   * import { startContainer } from "@app-building/sdk";
   * const state = await startContainer({ ...config, env: { DATABASE_URL: "postgres://localhost/app" } }, repo);
   * ```
   */
  env?: Record<string, string>;
  /** Where started and stopped containers are recorded. */
  registry: ContainerRegistry;
  /** Fly.io API token: with `flyApp`, selects the `fly` driver unless `driver` says otherwise. */
  flyToken?: string;
  /** Fly.io app the machines are created in. */
  flyApp?: string;
  /** Image for the `docker` and `fly` drivers; {@link getImageRef} when absent. */
  imageRef?: string;
  /** Where the runtime posts signed webhooks. */
  webhookUrl?: string;
  /** Standard Webhooks secret (`whsec_...`) for those webhooks. */
  webhookSecret?: string;
  /** Exit once the initial prompt and queued work are done. */
  detached?: boolean;
  /** A prompt queued before the container accepts requests. */
  initialPrompt?: string;
  /** The driver to use; see {@link chooseDriver} for the rule when absent. */
  driver?: DriverName;
  /** The agent CLI the runtime runs (`claude` by default). */
  agent?: AgentKind;
  /** The model the agent uses (the runtime's `MODEL`); a message's own `model` wins over it. */
  model?: string;
  /**
   * The agent command (the seed's `agentCommand`): `"claude"` or `"codex"` select that
   * agent; any other command line runs as the `command` agent (the prompt as its last
   * argument). `agent`, when also set, wins over the choice of agent.
   *
   * @example
   * ```ts
   * import { startContainer } from "@app-building/sdk";
   * const state = await startContainer({ ...config, agentCommand: "./scripts/my-agent.sh" }, repo);
   * ```
   */
  agentCommand?: string;
  /**
   * The start of every container name (default `"app-building"`): names are
   * `<namePrefix>-<10 hex digits>`.
   *
   * @example
   * ```ts
   * import { startContainer } from "@app-building/sdk";
   * const state = await startContainer({ ...config, namePrefix: "review-bot" }, repo);
   * console.log(state.containerName); // "review-bot-3f2a9c01d4"
   * ```
   */
  namePrefix?: string;
  /**
   * The port on 127.0.0.1 the container API listens on (process driver) or is published
   * on (docker driver); default: one the system picks. Ignored by the fly driver.
   *
   * @example
   * ```ts
   * import { startContainer } from "@app-building/sdk";
   * const state = await startContainer({ ...config, localPort: 3100 }, repo);
   * console.log(state.baseUrl); // "http://127.0.0.1:3100"
   * ```
   */
  localPort?: number;
  /**
   * How long a start waits for the container to get ready before it fails and cleans up
   * (default `DEFAULT_READY_TIMEOUT_MS`, 120 s); `StartOptions.readyTimeoutMs` wins over it.
   *
   * @example
   * ```ts
   * import { startContainer } from "@app-building/sdk";
   * await startContainer({ ...config, readyTimeoutMs: 300_000 }, repo); // a very large clone
   * ```
   */
  readyTimeoutMs?: number;
  /** Docker driver settings: when given (even `{}`), selects the `docker` driver unless `driver` or Fly credentials say otherwise. */
  docker?: DockerSettings;
  /** Fly driver settings. */
  fly?: FlySettings;
  /**
   * An existing directory the agent works in, instead of a fresh workspace (how the
   * platform's own agent works directly in the platform's checkout). Resolved against the
   * current directory; a directory that is not there is a {@link ConfigurationError}.
   *
   * - `process` driver: the runtime works in it directly.
   * - `docker` driver: it is bind-mounted at the container's `/workspace`, where the
   *   runtime runs as uid 1000 (which must be able to write to it).
   * - `fly` driver: not supported ({@link ConfigurationError}).
   *
   * A git checkout is used as it is: nothing is cloned, and when `pushBranch` is its
   * current branch (the default when neither `repoUrl` nor `pushBranch` is given and the
   * directory is a checkout's root) the branch is not switched and uncommitted files stay;
   * after each message everything in it is committed on that branch. Without `repoUrl`
   * nothing is pushed. Stopping the container never deletes it.
   *
   * @example
   * ```ts
   * import { startContainer } from "@app-building/sdk";
   * const state = await startContainer(
   *   { ...config, driver: "process", workspaceDir: "/home/me/app" },
   *   { repoUrl: "", cloneBranch: "", pushBranch: "" }, // keeps the checkout's branch
   * );
   * console.log(state.workspaceDir); // "/home/me/app"
   * ```
   */
  workspaceDir?: string;
}

/**
 * Settings of the `docker` driver.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, startContainer, type DockerSettings } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const repo = { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main", pushBranch: "agent/work" };
 * // An engine without a bridge network (some CI runners): share the host's, and rebuild the image.
 * const docker: DockerSettings = { network: "host", build: "always" };
 * const state = await startContainer({ ...config, driver: "docker", docker }, repo);
 * ```
 */
export interface DockerSettings {
  /**
   * `loopback` (default) publishes the API on 127.0.0.1 only; `host` runs the container
   * on the host's network (for engines without a bridge network).
   */
  network?: "loopback" | "host";
  /** Build the image: `missing` (default: only when it is not there), `always`, or `never`. */
  build?: "missing" | "always" | "never";
  /** The script that builds the image (default `<projectRoot>/docker/build-runtime-image.sh`). */
  buildScript?: string;
}

/**
 * Settings of the `fly` driver.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, startRemoteContainer, type FlySettings } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const repo = { repoUrl: "https://github.com/acme/app.git", cloneBranch: "main", pushBranch: "agent/work" };
 * const fly: FlySettings = { regions: ["ord", "iad"], guest: { cpu_kind: "shared", cpus: 2, memory_mb: 2048 } };
 * const state = await startRemoteContainer({ ...config, flyToken: process.env.FLY_API_TOKEN, flyApp: "my-agents", fly }, repo);
 * ```
 */
export interface FlySettings {
  /** Regions to try in order when one has no capacity (default: let Fly choose). */
  regions?: string[];
  /** Machine size. */
  guest?: { cpu_kind: string; cpus: number; memory_mb: number };
  /** The Machines API base URL (default `https://api.machines.dev/v1`). */
  apiBaseUrl?: string;
  /** How the app's machines are reached (default `https://<app>.fly.dev`). */
  appBaseUrl?: string;
  /** The port the runtime listens on inside the machine (default 3000). */
  internalPort?: number;
}

/**
 * Per-run git settings: the repository to clone, the branch to clone and the branch the
 * work is pushed to.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, createClient, startContainer, type RepoOptions } from "@app-building/sdk";
 * const config = { registry: new FileContainerRegistry(), envVars: { ANTHROPIC_API_KEY: process.env.ANTHROPIC_API_KEY ?? "" } };
 * const repo: RepoOptions = {
 *   repoUrl: "https://github.com/acme/app.git",
 *   cloneBranch: "feature-x,main", // the first of these the remote has
 *   pushBranch: "agent/readme",
 * };
 * const state = await startContainer(config, repo);
 * await createClient(state).sendMessage("Add a README");
 * ```
 */
export interface RepoOptions {
  /** The repository URL (or a local path); empty to work in a fresh repository. */
  repoUrl: string;
  /**
   * Branch to clone. May be a comma-separated priority list (`"feature-x,main"`): the
   * first that exists on the remote is cloned, the others are fallbacks.
   */
  cloneBranch: string;
  /**
   * The branch commits are pushed to. Absent: the agent works on the clone but nothing is
   * ever committed or pushed. Empty: `agent/<container name>` (or, with `workspaceDir`,
   * the checkout's current branch).
   */
  pushBranch?: string;
}

/**
 * A started container: how to reach it and how to stop it. Returned by
 * {@link startContainer}, stored in the registry, and accepted by {@link createClient}.
 *
 * @example
 * ```ts
 * import { FileContainerRegistry, createClient, type AgentState } from "@app-building/sdk";
 * // What startContainer returned, kept as JSON by another program: enough to talk to the container.
 * function clientFor(state: AgentState) {
 *   return createClient(state);
 * }
 * for (const state of await new FileContainerRegistry().findAlive()) {
 *   console.log(state.containerName, state.baseUrl, (await clientFor(state).status()).state);
 * }
 * ```
 */
export interface AgentState {
  /** `local` for the process and docker drivers, `remote` for fly. */
  type: "local" | "remote";
  /** The driver that started it. */
  driver: DriverName;
  /** Unique name; the runtime reports it as `containerName` in `/status`. */
  containerName: string;
  /** Base URL of the container API, without a trailing slash. */
  baseUrl: string;
  /** The port of `baseUrl` (the host port for process and docker containers, 443 for fly). */
  port: number;
  /** The bearer token of the container API (fresh for every start). */
  token: string;
  /** When it was started (ISO 8601). */
  startedAt: string;
  /** The branch it pushes to. */
  pushBranch?: string;
  /** Fly machine id (fly driver): sent as `fly-force-instance-id`. */
  flyMachineId?: string;
  /** Fly app (fly driver). */
  flyApp?: string;
  /** Process id of the runtime (process driver). */
  pid?: number;
  /** Runtime data directory (process driver). */
  dataDir?: string;
  /** Working tree of the agent (process driver, or the docker driver's mounted `workspaceDir`), as an absolute path. */
  workspaceDir?: string;
  /** Docker container id (docker driver). */
  dockerContainerId?: string;
}
