import type { SessionUser } from "../core-back.js";
import { html } from "./html.js";
import { page } from "./layout.js";

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Sign-in needed",
  403: "Not allowed",
  404: "Not found",
  409: "Conflict",
  413: "Too large",
  500: "Something failed",
  502: "core-back is not answering",
  503: "Unavailable",
  504: "Timed out",
};

/** A page that says what went wrong and where to go next. */
export function errorPage(status: number, message: string, user: SessionUser | null): string {
  return page({
    title: TITLES[status] ?? `Error ${status}`,
    user,
    notices: [{ kind: "alert", text: message }],
    body: html`<p><a href="/">Back to the deploys</a></p>`,
  });
}
