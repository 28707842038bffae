import type { ContainerStatus } from "@app-building/types";
import type { SessionUser } from "../core-back.js";
import { formatTime, orDash, statusBadge } from "./format.js";
import { html, type SafeHtml } from "./html.js";
import { page, type Notice } from "./layout.js";

/** One registry entry as the console shows it: never its token. */
export interface ContainerSummary {
  name: string;
  driver: string;
  baseUrl: string;
  startedAt: string;
  stoppedAt: string | null;
}

/** What a status probe found. */
export type Probe = { ok: true; status: ContainerStatus } | { ok: false; reason: string };

function containerPath(name: string): string {
  return `/containers/${encodeURIComponent(name)}`;
}

function probeCell(probe: Probe): SafeHtml {
  if (probe.ok) return statusBadge(probe.status.state);
  return html`<span class="badge badge-gone">not answering</span> <span class="muted">${probe.reason}</span>`;
}

/** The containers of the local registry, newest first, with a live status each. */
export function containerListPage(options: {
  user: SessionUser;
  registryPath: string;
  containers: { container: ContainerSummary; probe: Probe }[];
  notices?: Notice[];
}): string {
  const rows = options.containers.map(
    ({ container, probe }) =>
      html`<tr>
        <td><a href="${containerPath(container.name)}">${container.name}</a></td>
        <td>${container.driver}</td>
        <td>${container.baseUrl}</td>
        <td>${formatTime(container.startedAt)}</td>
        <td>${probeCell(probe)}</td>
      </tr>`,
  );
  return page({
    title: "Containers",
    user: options.user,
    section: "containers",
    notices: options.notices,
    body: html`<p class="muted">From the registry <code>${options.registryPath}</code>.</p>
      ${rows.length === 0
        ? html`<p>No containers in the registry yet.</p>`
        : html`<table>
            <caption class="visually-hidden">
              Agent containers, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Driver</th>
                <th scope="col">Base URL</th>
                <th scope="col">Started</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              ${rows}
            </tbody>
          </table>`}`,
  });
}

/** What a status says needs attention. */
export function statusWarnings(status: ContainerStatus): string[] {
  // What the runtime itself reports as missing (an API key, the agent CLI) comes first.
  const warnings: string[] = [...(status.problems ?? [])];
  if (status.pendingPush) warnings.push("commits are waiting to be pushed: the last push did not go through");
  if (status.detachRequested) warnings.push("detach requested: the container exits once its queue is drained");
  if (status.pushBranch === null) warnings.push("no push branch: work is committed locally only");
  return warnings;
}

function statusSection(probe: Probe): SafeHtml {
  if (!probe.ok) {
    return html`<p class="notice notice-alert" role="alert">The container is not answering: ${probe.reason}</p>`;
  }
  const { status } = probe;
  const warnings = statusWarnings(status);
  return html`<dl class="fields">
      <dt>State</dt>
      <dd>${statusBadge(status.state)}</dd>
      <dt>Agent</dt>
      <dd>${status.agent}</dd>
      <dt>Current message</dt>
      <dd>${orDash(status.currentMessageId)}</dd>
      <dt>Queue</dt>
      <dd>${status.queueLength} message(s), ${status.pendingTasks} task(s) pending</dd>
      <dt>Push branch</dt>
      <dd>${orDash(status.pushBranch)}</dd>
      <dt>Revision</dt>
      <dd>${orDash(status.revision)}</dd>
      <dt>Cost</dt>
      <dd>$${status.totalCostUsd.toFixed(4)}</dd>
      <dt>Last activity</dt>
      <dd>${formatTime(status.lastActivityAt)}</dd>
    </dl>
    ${warnings.length === 0
      ? ""
      : html`<ul class="warnings" aria-label="Warnings">
          ${warnings.map((warning) => html`<li>${warning}</li>`)}
        </ul>`}`;
}

/** One container: status, live events, a prompt form, Interrupt and Stop. */
export function containerDetailPage(options: {
  user: SessionUser;
  container: ContainerSummary;
  probe: Probe;
  /** The offset the live view starts at. */
  eventsFrom: number;
  notices?: Notice[];
}): string {
  const { container } = options;
  const path = containerPath(container.name);
  return page({
    title: `Container ${container.name}`,
    user: options.user,
    section: "containers",
    notices: options.notices,
    body: html`<p class="muted">
        ${container.driver} at ${container.baseUrl}, started ${formatTime(container.startedAt)}
        ${container.stoppedAt === null ? "" : html`, recorded stopped ${formatTime(container.stoppedAt)}`}
      </p>
      <section aria-labelledby="status-title">
        <h2 id="status-title">Status</h2>
        ${statusSection(options.probe)}
      </section>
      <section aria-labelledby="prompt-title">
        <h2 id="prompt-title">Prompt</h2>
        <form class="stack" method="post" action="${path}/message">
          <p>
            <label for="prompt">Prompt for the agent</label>
            <textarea id="prompt" name="prompt" rows="4" required></textarea>
          </p>
          <p><button type="submit">Send prompt</button></p>
        </form>
        <div class="actions">
          <form method="post" action="${path}/interrupt"><button type="submit">Interrupt</button></form>
          <form method="post" action="${path}/stop"><button type="submit" class="danger">Stop</button></form>
        </div>
      </section>
      <section aria-labelledby="events-title">
        <h2 id="events-title">Events</h2>
        <p id="events-state" role="status" data-live-state>
          Live events appear below (offset, type, summary) while this page is open.
        </p>
        <ol
          id="events"
          class="events log"
          role="log"
          aria-live="polite"
          tabindex="0"
          data-events-url="${path}/events?offset=${options.eventsFrom}"
        ></ol>
      </section>`,
  });
}
