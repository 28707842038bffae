import type { DeployMode, ReleaseList } from "@app-building/types";
import type { ConsoleDeploy, DeployPage, SessionUser } from "../core-back.js";
import { formatDuration, formatTime, orDash, statusBadge } from "./format.js";
import { html, type SafeHtml } from "./html.js";
import { page, type Notice } from "./layout.js";

/** Whether a deploy is still queued, building or restarting. */
function isLive(status: string): boolean {
  return status === "queued" || status === "building" || status === "restarting";
}

function deployPath(id: string): string {
  return `/deploys/${encodeURIComponent(id)}`;
}

/** Who asked: a signed-in user's email, or the agent's self-deploy call (which has no user). */
function requester(deploy: ConsoleDeploy): string {
  return deploy.requestedBy ?? "agent (self-deploy)";
}

/** A release id, short: its time stamp and suffix are enough to tell releases apart on a page. */
function shortRelease(id: string | null | undefined): string {
  return id === null || id === undefined ? "—" : id;
}

function deployRow(deploy: ConsoleDeploy): SafeHtml {
  return html`<tr>
    <td>${statusBadge(deploy.status)}</td>
    <td>${deploy.phase}</td>
    <td>${shortRelease(deploy.release)}</td>
    <td>${formatDuration(deploy.durationMs)}</td>
    <td>${deploy.action === "rollback" ? "rollback" : deploy.scope}</td>
    <td>${requester(deploy)}</td>
    <td>${orDash(deploy.sessionId)}</td>
    <td>${formatTime(deploy.createdAt)}</td>
    <td>${formatTime(deploy.startedAt)}</td>
    <td><a href="${deployPath(deploy.id)}">${deploy.id.slice(0, 8)}</a></td>
  </tr>`;
}

function startForm(): SafeHtml {
  return html`<form class="inline" method="post" action="/deploys">
    <label for="scope">Scope</label>
    <select id="scope" name="scope">
      <option value="auto" selected>auto (the widest the mode allows)</option>
      <option value="platform">platform</option>
      <option value="all">all (unrestricted mode only)</option>
    </select>
    <button type="submit">Start deploy</button>
  </form>`;
}

function modeSection(user: SessionUser, mode: DeployMode | null): SafeHtml {
  if (!user.admin || mode === null) return html``;
  const other: DeployMode = mode === "restricted" ? "unrestricted" : "restricted";
  return html`<section aria-labelledby="mode-title">
    <h2 id="mode-title">Deploy mode</h2>
    <p>
      The deploy mode is <strong class="mode">${mode}</strong>:
      ${mode === "restricted"
        ? "deploys build the platform scope only."
        : "deploys may build every package (scope all)."}
    </p>
    <form class="inline" method="post" action="/mode">
      <label for="mode">New mode</label>
      <select id="mode" name="mode">
        <option value="${other}" selected>${other}</option>
        <option value="${mode}">${mode}</option>
      </select>
      <button type="submit">Change mode</button>
    </form>
  </section>`;
}

function formatBytes(bytes: number | null): string {
  if (bytes === null) return "—";
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
}

function releasesSection(user: SessionUser, releases: ReleaseList | null): SafeHtml {
  if (releases === null) return html``;
  const rows = releases.items.map(
    (release) =>
      html`<tr>
        <td>${release.id}${release.live ? html` <strong class="badge badge-ok">live</strong>` : ""}</td>
        <td>${statusBadge(release.state)}</td>
        <td>
          ${release.deployId === null
            ? "first release (npm start)"
            : html`<a href="${deployPath(release.deployId)}">${release.deployId.slice(0, 8)}</a>`}
        </td>
        <td>${formatTime(release.createdAt)}</td>
        <td>${formatBytes(release.sizeBytes)}</td>
        ${user.admin
          ? html`<td>
              ${release.state === "good" && !release.live
                ? html`<form class="inline" method="post" action="/releases/rollback">
                    <input type="hidden" name="releaseId" value="${release.id}" />
                    <button type="submit" class="danger">Roll back to this release</button>
                  </form>`
                : ""}
            </td>`
          : ""}
      </tr>`,
  );
  return html`<section aria-labelledby="releases-title">
    <h2 id="releases-title">Releases</h2>
    <p>The services run the live release; a deploy makes a new one and keeps the last good ones.</p>
    <table>
      <caption class="visually-hidden">
        Releases, newest first
      </caption>
      <thead>
        <tr>
          <th scope="col">Release</th>
          <th scope="col">State</th>
          <th scope="col">Made by deploy</th>
          <th scope="col">Created</th>
          <th scope="col">Disk</th>
          ${user.admin ? html`<th scope="col">Rollback</th>` : ""}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </section>`;
}

/** The deploy list: a start form, the mode (admins), the releases, the table and the next-page link. */
export function deployListPage(options: {
  user: SessionUser;
  deploys: DeployPage;
  mode: DeployMode | null;
  releases?: ReleaseList | null;
  cursor?: string;
  notices?: Notice[];
}): string {
  const { deploys } = options;
  const table =
    deploys.items.length === 0
      ? html`<p>No deploys yet.</p>`
      : html`<table>
          <caption class="visually-hidden">
            Deploys, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Phase</th>
              <th scope="col">Live release after</th>
              <th scope="col">Duration</th>
              <th scope="col">Scope</th>
              <th scope="col">Requested by</th>
              <th scope="col">Session</th>
              <th scope="col">Created</th>
              <th scope="col">Started</th>
              <th scope="col">Deploy</th>
            </tr>
          </thead>
          <tbody>
            ${deploys.items.map(deployRow)}
          </tbody>
        </table>`;
  const pager = html`<p class="pager">
    ${options.cursor === undefined ? "" : html`<a href="/">Newest</a>`}
    ${deploys.nextCursor === null
      ? ""
      : html`<a rel="next" href="/?cursor=${encodeURIComponent(deploys.nextCursor)}">Next page</a>`}
  </p>`;
  return page({
    title: "Deploys",
    user: options.user,
    section: "deploys",
    notices: options.notices,
    body: html`<section aria-labelledby="start-title">
        <h2 id="start-title">Start a deploy</h2>
        ${startForm()}
      </section>
      ${modeSection(options.user, options.mode)} ${releasesSection(options.user, options.releases ?? null)}
      <section aria-labelledby="list-title">
        <h2 id="list-title">Recent deploys</h2>
        ${table} ${pager}
      </section>`,
  });
}

function field(label: string, value: SafeHtml | string): SafeHtml {
  return html`<dt>${label}</dt>
    <dd>${value}</dd>`;
}

/** A deploy's fields and log, with a live view and a cancel button while it runs. */
export function deployDetailPage(options: {
  user: SessionUser;
  deploy: ConsoleDeploy;
  log: string;
  logBytes: number;
  notices?: Notice[];
}): string {
  const { deploy } = options;
  const live = isLive(deploy.status);
  const path = deployPath(deploy.id);
  return page({
    title: `Deploy ${deploy.id.slice(0, 8)}`,
    user: options.user,
    section: "deploys",
    notices: options.notices,
    body: html`<dl class="fields">
        ${field("Id", deploy.id)}
        ${field("Status", html`<span id="deploy-status">${statusBadge(deploy.status)}</span>`)}
        ${field("Phase", deploy.phase)} ${field("Scope", deploy.scope)} ${field("Requested by", requester(deploy))}
        ${field("Session", orDash(deploy.sessionId))} ${field("Created", formatTime(deploy.createdAt))}
        ${field("Started", formatTime(deploy.startedAt))} ${field("Ended", formatTime(deploy.endedAt))}
        ${field("Duration", formatDuration(deploy.durationMs))} ${field("Exit code", orDash(deploy.exitCode))}
        ${deploy.selfRestart === true ? field("Restarts core-back", "yes") : ""}
        ${deploy.action === "rollback" ? field("Action", "rollback by an admin") : ""}
        ${field("Built release", shortRelease(deploy.builtRelease))}
        ${field("Live release after", shortRelease(deploy.release))}
        ${deploy.status === "rolled_back"
          ? field("Rolled back", "yes: the new release failed its health check and the last good one is live again")
          : ""}
      </dl>
      ${deploy.errorSummary === null
        ? ""
        : html`<section aria-labelledby="summary-title">
            <h2 id="summary-title">Error summary</h2>
            <pre class="summary">${deploy.errorSummary}</pre>
          </section>`}
      ${live
        ? html`<form method="post" action="${path}/cancel">
            <button type="submit" class="danger">Cancel deploy</button>
          </form>`
        : ""}
      <section aria-labelledby="log-title">
        <h2 id="log-title">Log</h2>
        ${live
          ? html`<p id="log-state" role="status" data-live-state>Following the log while the deploy runs…</p>`
          : ""}
        <pre
          id="deploy-log"
          class="log"
          role="log"
          aria-live="polite"
          tabindex="0"
          ${live ? html`data-follow-url="${path}/log/follow?from=${options.logBytes}"` : ""}
        >
${options.log}</pre
        >
        <p><a href="${path}/log">Raw log</a></p>
      </section>`,
  });
}
