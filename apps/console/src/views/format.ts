import { html, type SafeHtml } from "./html.js";

/** A duration in ms as `850 ms`, `12.3 s` or `4 min 05 s`; `—` when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1_000);
  return `${minutes} min ${String(seconds).padStart(2, "0")} s`;
}

/** An ISO time as a `<time>` element showing UTC to the second; `—` when absent. */
export function formatTime(iso: string | null | undefined): SafeHtml {
  if (iso === null || iso === undefined || iso === "") return html`—`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return html`${iso}`;
  const shown = `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
  return html`<time datetime="${date.toISOString()}">${shown}</time>`;
}

/** A status as a badge whose class names it (colour is never the only cue: the word is there). */
export function statusBadge(status: string): SafeHtml {
  return html`<span class="badge badge-${status.replace(/[^a-z_]/g, "")}">${status.replace("_", " ")}</span>`;
}

/** `value` or a dash. */
export function orDash(value: string | number | null | undefined): string {
  return value === null || value === undefined || value === "" ? "—" : String(value);
}
