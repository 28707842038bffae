import { join } from "node:path";
import { createGroupRegistry, type GroupRegistry } from "@app-building/types/process";
import { agentBin, createAgent } from "./agents/factory.js";
import { agentProblems } from "./agents/readiness.js";
import type { AgentAdapter } from "./agents/types.js";
import type { Config } from "./env.js";
import { GitWorkspace } from "./git/workspace.js";
import { openDatabase, type Db } from "./journal/database.js";
import { Journal } from "./journal/journal.js";
import { MessageStore } from "./journal/messages.js";
import { StateStore } from "./journal/state.js";
import { TaskStore } from "./journal/tasks.js";
import { createRedactor } from "./redact.js";
import { Notifier } from "./runtime/notifier.js";
import { Runtime } from "./runtime/runtime.js";
import { WebhookDispatcher } from "./webhooks/dispatcher.js";
import { Outbox } from "./webhooks/outbox.js";

/** How long a readiness check stands before /status checks again. */
const PROBLEMS_RECHECK_MS = 3_000;

/** Everything the runtime is made of, wired from one config. */
export interface Services {
  db: Db;
  journal: Journal;
  runtime: Runtime;
  dispatcher: WebhookDispatcher | null;
  /** Every agent process group still alive, so the runtime can leave no orphan behind. */
  agentGroups: GroupRegistry;
  /** Stops background work and closes the database. */
  close(): void;
}

/** Wires config → database → journal → agent, git, webhooks → runtime. */
export function wireRuntime(
  config: Config,
  options: {
    agent?: AgentAdapter;
    runtimeUrl?: () => string;
    webhookDrainMs?: number;
    /** How long an agent's own interrupt has before its process group is signalled. */
    interruptGraceMs?: number;
  } = {},
): Services {
  const db = openDatabase(config.dataDir);
  // Kept in the data folder: a runtime killed with -9 cannot take its agents with it, the next one kills them.
  const agentGroups = createGroupRegistry({ file: join(config.dataDir, "agent-groups.json") });
  const leftovers = agentGroups.killLeftovers();
  const redactor = createRedactor(config.secrets);
  const journal = new Journal(db, redactor);
  const outbox = config.webhook.url === undefined ? null : new Outbox(db, redactor, config.containerName);
  const dispatcher =
    outbox === null || config.webhook.url === undefined
      ? null
      : new WebhookDispatcher(outbox, {
          ...config.webhook,
          url: config.webhook.url,
          log: (line) => journal.log("runtime", line),
        });
  const notifier = new Notifier(journal, outbox);
  if (leftovers > 0) journal.log("runtime", `killed ${leftovers} agent process group(s) left by the previous run`);
  const git = new GitWorkspace({
    dir: config.workspaceDir,
    repoUrl: config.git.repoUrl,
    cloneBranch: config.git.cloneBranch,
    pushBranch: config.git.pushBranch ?? `agent/${config.containerName}`,
    commit: config.git.commit,
    authorName: config.git.authorName,
    authorEmail: config.git.authorEmail,
    token: config.git.token,
    redactor,
    pushAttempts: config.git.pushAttempts,
    retryBaseMs: config.git.retryBaseMs,
    log: (line) => journal.log("runtime", line),
    ownPaths: config.ownPaths,
  });
  const runtimeUrl = options.runtimeUrl;
  const agentEnv = (): Record<string, string> =>
    runtimeUrl === undefined ? config.agentEnv : { ...config.agentEnv, APP_BUILDING_RUNTIME_URL: runtimeUrl() };
  const agent =
    options.agent ??
    createAgent(config, { env: agentEnv, redactor, groups: agentGroups, interruptGraceMs: options.interruptGraceMs });
  // Checked again at most every few seconds, so a login or a new credentials file shows
  // without a restart while /status stays cheap.
  const readiness = {
    agent: config.agent,
    bin: agentBin(config),
    env: config.agentEnv,
    platform: process.platform,
  };
  let checked = { at: Date.now(), problems: agentProblems(readiness) };
  const problems = (): readonly string[] => {
    if (Date.now() - checked.at >= PROBLEMS_RECHECK_MS)
      checked = { at: Date.now(), problems: agentProblems(readiness) };
    return checked.problems;
  };
  const runtime = new Runtime({
    config,
    problems,
    journal,
    redactor,
    messages: new MessageStore(db, redactor),
    tasks: new TaskStore(db, redactor),
    state: new StateStore(db),
    notifier,
    agent,
    git,
    dispatcher,
    ...(options.webhookDrainMs === undefined ? {} : { webhookDrainMs: options.webhookDrainMs }),
  });
  return {
    db,
    journal,
    runtime,
    dispatcher,
    agentGroups,
    close: () => {
      dispatcher?.stop();
      journal.flush();
      db.close();
    },
  };
}
