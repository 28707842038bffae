import {
  TASK_DONE_MARKER,
  type ContainerState,
  type ContainerStatus,
  type ControlResponse,
  type Message,
  type Task,
} from "@app-building/types";
import type { AgentAdapter, TurnResult } from "../agents/types.js";
import type { Config } from "../env.js";
import type { Redactor } from "../redact.js";
import { ContainerStoppingError } from "../errors.js";
import type { GitWorkspace } from "../git/workspace.js";
import type { Journal } from "../journal/journal.js";
import type { MessageStore, QueuedMessage } from "../journal/messages.js";
import type { StateStore } from "../journal/state.js";
import type { TaskStore } from "../journal/tasks.js";
import type { WebhookDispatcher } from "../webhooks/dispatcher.js";
import type { Notifier } from "./notifier.js";
import { startTurn, type ActiveTurn } from "./turn-runner.js";

/** What the runtime is built from. */
export interface RuntimeDeps {
  config: Pick<
    Config,
    | "containerName"
    | "agent"
    | "model"
    | "workspaceDir"
    | "turnTimeoutMs"
    | "taskMaxAttempts"
    | "detached"
    | "initialPrompt"
  >;
  /** What keeps the agent from working now (see `agentProblems`): logged at start-up, shown by `status()`. */
  problems: () => readonly string[];
  journal: Journal;
  /** Redacts what leaves through commit messages (a prompt's first line may carry a secret). */
  redactor: Redactor;
  messages: MessageStore;
  tasks: TaskStore;
  state: StateStore;
  notifier: Notifier;
  agent: AgentAdapter;
  git: GitWorkspace;
  dispatcher: WebhookDispatcher | null;
  /** How long a stop waits for webhooks to go out before exiting. */
  webhookDrainMs?: number;
}

/** The idempotency key under which `INITIAL_PROMPT` is queued, so a restart does not queue it again. */
const INITIAL_PROMPT_KEY = "app-building:initial-prompt";

const TASK_SUFFIX = `\n\nWhen this task is complete, end your reply with the marker ${TASK_DONE_MARKER}. If it is not complete, say what is left and do not print the marker.`;

function firstLine(text: string): string {
  const line = text.trim().split("\n")[0] ?? "";
  return line.length > 72 ? `${line.slice(0, 69)}...` : line;
}

/**
 * The container's lifecycle and worker loop: `starting → idle ⇄ processing → stopping →
 * stopped`. Messages run first, then tasks; after each, the workspace is committed and
 * pushed. Everything is journaled and announced by webhook.
 */
export class Runtime {
  readonly #d: RuntimeDeps;
  #state: ContainerState = "starting";
  #detachRequested = false;
  #stopRequested = false;
  #current: ActiveTurn | null = null;
  #currentMessageId: string | null = null;
  readonly #startedAt = new Date().toISOString();
  #lastActivity = Date.now();
  #wake: (() => void) | null = null;
  #loopStarted = false;
  #resolveExited!: () => void;
  /** Settles once the runtime reached `stopped` (after stop or a drained detach). */
  readonly exited: Promise<void>;

  constructor(deps: RuntimeDeps) {
    this.#d = deps;
    this.exited = new Promise((resolve) => {
      this.#resolveExited = resolve;
    });
  }

  get state(): ContainerState {
    return this.#state;
  }

  /**
   * Recovers from a crash (running messages become `interrupted`, running tasks pending),
   * prepares the workspace, and queues `INITIAL_PROMPT`. Call before accepting requests.
   */
  async init(): Promise<void> {
    const { messages, tasks, notifier, config, git } = this.#d;
    notifier.webhook("container.started", { agent: config.agent, startedAt: this.#startedAt });
    this.#event("container.state", { state: "starting" });
    for (const problem of this.#d.problems()) notifier.log(`problem: ${problem}`);
    for (const id of messages.recoverInterrupted()) {
      notifier.both("message.interrupted", id, {
        messageId: id,
        status: "interrupted",
        error: "the runtime stopped while this message ran",
      });
    }
    tasks.recoverInterrupted();
    if (config.detached) this.#detachRequested = true;
    if (config.initialPrompt !== undefined) this.enqueueMessage(config.initialPrompt, null, INITIAL_PROMPT_KEY);
    await git.prepare();
  }

  /** Starts the worker loop. */
  run(): void {
    if (this.#loopStarted) return;
    this.#loopStarted = true;
    void this.#loop();
  }

  // ---- requests -------------------------------------------------------------------------

  /** Queues a prompt (or returns the first message for a repeated idempotency key). */
  enqueueMessage(
    prompt: string,
    model: string | null,
    idempotencyKey: string | null,
  ): { message: Message; created: boolean } {
    if (this.#stopRequested || this.#state === "stopping" || this.#state === "stopped") {
      if (idempotencyKey !== null) {
        const { message, created } = this.#d.messages.enqueueIfKnown(idempotencyKey);
        if (message !== undefined) return { message, created };
      }
      throw new ContainerStoppingError(this.#state);
    }
    const outcome = this.#d.messages.enqueue(prompt, model, idempotencyKey);
    if (outcome.created) {
      this.#d.notifier.webhook("message.queued", { messageId: outcome.message.id, prompt });
      this.#kick();
    }
    return outcome;
  }

  getMessage(id: string): Message | undefined {
    return this.#d.messages.get(id);
  }

  /** Queues follow-up work for the agent itself. */
  addTask(prompt: string, maxAttempts: number | undefined): Task {
    if (this.#stopRequested) throw new ContainerStoppingError(this.#state);
    const task = this.#d.tasks.add(prompt, maxAttempts ?? this.#d.config.taskMaxAttempts);
    this.#d.notifier.both("task.queued", task.id, {
      taskId: task.id,
      prompt,
      maxAttempts: task.maxAttempts,
    });
    this.#kick();
    return task;
  }

  listTasks(): Task[] {
    return this.#d.tasks.list();
  }

  getTask(id: string): Task | undefined {
    return this.#d.tasks.get(id);
  }

  /**
   * Ends the current turn (if any); the container and the session stay. The adapter's
   * interrupt ladder ends the agent, by SIGKILL at the last (see `agents/interrupt.ts`).
   */
  interrupt(): ControlResponse {
    const current = this.#current;
    if (current === null) return { ok: true, state: this.#state, interrupted: false, messageId: null };
    current.interruptRequested = true;
    this.#d.notifier.log(`interrupting ${current.id}`);
    current.turn.interrupt();
    return { ok: true, state: this.#state, interrupted: true, messageId: current.id };
  }

  /** Exits once every queued message and pending task is done. */
  detach(): ControlResponse {
    if (!this.#detachRequested) {
      this.#detachRequested = true;
      this.#d.notifier.log("detach requested: exiting once the queue is drained");
      this.#kick();
    }
    return { ok: true, state: this.#state };
  }

  /** Interrupts the current turn, commits, pushes and exits; answers at once. */
  stop(): ControlResponse {
    if (!this.#stopRequested) {
      this.#stopRequested = true;
      this.#d.notifier.log("stop requested");
      if (this.#state !== "stopped") this.#setState("stopping");
      if (this.#current !== null) this.interrupt();
      this.#kick();
      this.run();
    }
    return { ok: true, state: this.#state };
  }

  /** The status document; cheap (no subprocess). */
  status(): ContainerStatus {
    const s = this.#d.state.get();
    return {
      state: this.#state,
      containerName: this.#d.config.containerName,
      agent: this.#d.config.agent,
      sessionId: s.sessionId,
      pushBranch: this.#d.git.pushBranch,
      revision: this.#d.git.revision,
      queueLength: this.#d.messages.queueLength(),
      pendingTasks: this.#d.tasks.pendingCount(),
      tasksProcessed: s.tasksProcessed,
      iteration: s.iteration,
      totalCostUsd: s.totalCostUsd,
      detachRequested: this.#detachRequested,
      currentMessageId: this.#currentMessageId,
      pendingPush: s.pendingPush,
      startedAt: this.#startedAt,
      lastActivityAt: new Date(this.#lastActivity).toISOString(),
      problems: [...this.#d.problems()],
    };
  }

  // ---- the loop -------------------------------------------------------------------------

  #kick(): void {
    this.#lastActivity = Date.now();
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #event(kind: "container.state", data: Record<string, unknown>): void {
    this.#d.notifier.event(kind, null, data);
  }

  #setState(state: ContainerState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#lastActivity = Date.now();
    this.#d.notifier.event("container.state", null, { state });
    if (state === "idle") this.#d.notifier.webhook("container.idle", {});
    if (state === "stopping") this.#d.notifier.webhook("container.stopping", {});
  }

  async #loop(): Promise<void> {
    for (;;) {
      if (this.#stopRequested) break;
      const message = this.#d.messages.peek();
      if (message !== undefined) {
        await this.#guard(`message ${message.id}`, () => this.#runMessage(message));
        continue;
      }
      const task = this.#d.tasks.peek();
      if (task !== undefined) {
        await this.#guard(`task ${task.id}`, () => this.#runTask(task));
        continue;
      }
      if (this.#detachRequested) break;
      this.#setState("idle");
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    await this.#guard("shutdown", () => this.#shutdown());
    this.#resolveExited();
  }

  async #guard(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.#d.notifier.log(`${what} failed in the runtime: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  #runAgent(id: string, prompt: string, model: string | null): { active: ActiveTurn; result: Promise<TurnResult> } {
    const { agent, journal, state, config } = this.#d;
    const started = startTurn(
      agent,
      journal,
      { id, prompt, model: model ?? config.model ?? null, sessionId: state.get().sessionId, cwd: config.workspaceDir },
      {
        timeoutMs: config.turnTimeoutMs,
        onActivity: () => {
          this.#lastActivity = Date.now();
        },
        onSession: (sessionId) => {
          if (state.get().sessionId !== sessionId) state.update({ sessionId });
        },
      },
    );
    this.#current = started.active;
    return started;
  }

  #account(outcome: TurnResult): void {
    const s = this.#d.state.get();
    this.#d.state.update({
      iteration: s.iteration + 1,
      totalCostUsd: s.totalCostUsd + (outcome.costUsd ?? 0),
      ...(outcome.sessionId === null ? {} : { sessionId: outcome.sessionId }),
    });
  }

  async #runMessage(message: QueuedMessage): Promise<void> {
    const { messages, notifier } = this.#d;
    messages.markProcessing(message.id);
    this.#currentMessageId = message.id;
    this.#setState("processing");
    notifier.both("message.started", message.id, { messageId: message.id });
    const { active, result } = this.#runAgent(message.id, message.prompt, message.model);
    let outcome = await result;
    this.#current = null;
    if (active.interruptRequested && outcome.status !== "done") outcome = { ...outcome, status: "interrupted" };
    this.#account(outcome);
    const git = await this.#commitAndPush(
      message.id,
      `message ${message.id}: ${firstLine(this.#d.redactor.text(message.prompt))}`,
    );
    messages.finish(message.id, outcome);
    this.#currentMessageId = null;
    notifier.both(`message.${outcome.status}`, message.id, {
      messageId: message.id,
      status: outcome.status,
      result: outcome.result,
      error: outcome.error,
      costUsd: outcome.costUsd,
      durationMs: outcome.durationMs,
      numTurns: outcome.numTurns,
      sessionId: outcome.sessionId,
      ...git,
    });
  }

  async #runTask(task: Task): Promise<void> {
    const { tasks, notifier } = this.#d;
    tasks.startAttempt(task.id);
    this.#setState("processing");
    const attempt = task.attempts + 1;
    notifier.both("task.started", task.id, { taskId: task.id, attempt, maxAttempts: task.maxAttempts });
    const { active, result } = this.#runAgent(task.id, task.prompt + TASK_SUFFIX, null);
    const outcome = await result;
    this.#current = null;
    this.#account(outcome);
    const markerSeen = outcome.status === "done" && (outcome.result ?? "").includes(TASK_DONE_MARKER);
    const git = await this.#commitAndPush(
      task.id,
      `task ${task.id} (attempt ${attempt}): ${firstLine(this.#d.redactor.text(task.prompt))}`,
    );
    const interrupted = active.interruptRequested;
    let ended = tasks.endAttempt(task.id, {
      done: markerSeen,
      result: outcome.result,
      error: markerSeen ? null : (outcome.error ?? `the agent did not end its result with ${TASK_DONE_MARKER}`),
    });
    if (interrupted && ended.status === "pending") {
      ended = tasks.fail(task.id, "interrupted");
    }
    const data = {
      taskId: task.id,
      status: ended.status,
      attempts: ended.attempts,
      result: ended.result,
      error: ended.error,
      ...git,
    };
    if (ended.status === "done" || ended.status === "failed") {
      const s = this.#d.state.get();
      this.#d.state.update({ tasksProcessed: s.tasksProcessed + 1 });
      notifier.both(ended.status === "done" ? "task.done" : "task.failed", task.id, data);
    } else {
      notifier.log(`task ${task.id} attempt ${attempt} did not finish; it will be retried`);
    }
  }

  /** Commits the workspace, then pushes when there is something to push; never throws. */
  async #commitAndPush(id: string | null, label: string): Promise<{ revision: string | null; pushed: boolean | null }> {
    const { git, notifier, state } = this.#d;
    let revision: string | null = null;
    try {
      revision = await git.commitAll(label);
      if (revision !== null) notifier.event("git.committed", id, { revision, message: label });
    } catch (error) {
      notifier.log(`commit failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!git.hasRemote || (revision === null && !state.get().pendingPush)) {
      return { revision: git.revision, pushed: null };
    }
    const push = await git.push();
    if (push.pushed) {
      state.update({ pendingPush: false });
      notifier.both("git.pushed", id, {
        revision: push.revision,
        branch: git.pushBranch,
        attempts: push.attempts,
      });
    } else {
      state.update({ pendingPush: true });
      notifier.both("git.push_failed", id, {
        revision: push.revision,
        branch: git.pushBranch,
        attempts: push.attempts,
        error: push.error,
      });
    }
    return { revision: push.revision, pushed: push.pushed };
  }

  async #shutdown(): Promise<void> {
    this.#setState("stopping");
    await this.#commitAndPush(null, "final commit at stop");
    this.#setState("stopped");
    this.#d.notifier.webhook("container.stopped", {
      revision: this.#d.git.revision,
      pendingPush: this.#d.state.get().pendingPush,
    });
    this.#d.journal.flush();
    await this.#d.dispatcher?.drain(this.#d.webhookDrainMs ?? 10_000);
  }
}
