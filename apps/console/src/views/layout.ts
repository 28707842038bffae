import type { SessionUser } from "../core-back.js";
import { BRAND } from "./brand.js";
import { html, type SafeHtml } from "./html.js";

/** A message shown at the top of a page. */
export interface Notice {
  kind: "status" | "alert";
  text: string;
}

/** What every page is made of. */
export interface PageOptions {
  /** The page's own title (the brand is added). */
  title: string;
  /** The signed-in user; `null` on the sign-in page and on errors before sign-in. */
  user: SessionUser | null;
  /** Which nav entry is current. */
  section?: "deploys" | "containers";
  notices?: Notice[];
  body: SafeHtml;
}

/** A `role="status"` or `role="alert"` message. */
function noticeBlock(notice: Notice): SafeHtml {
  return notice.kind === "alert"
    ? html`<p class="notice notice-alert" role="alert">${notice.text}</p>`
    : html`<p class="notice notice-status" role="status">${notice.text}</p>`;
}

function navLink(href: string, label: string, current: boolean): SafeHtml {
  return current ? html`<a href="${href}" aria-current="page">${label}</a>` : html`<a href="${href}">${label}</a>`;
}

/** The whole HTML document: head, the header with the brand and nav, and `<main>`. */
export function page(options: PageOptions): string {
  const { user } = options;
  const nav =
    user === null
      ? html``
      : html`<nav aria-label="Main">
            ${navLink("/", "Deploys", options.section === "deploys")}
            ${navLink("/containers", "Containers", options.section === "containers")}
          </nav>
          <form class="sign-out" method="post" action="/sign-out">
            <span class="who">${user.email}${user.admin ? " (admin)" : ""}</span>
            <button type="submit">Sign out</button>
          </form>`;
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} · ${BRAND}</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/assets/console.css" />
        <script src="/assets/console.js" defer></script>
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/">${BRAND}</a>
          ${nav}
        </header>
        <main id="main">
          <h1>${options.title}</h1>
          ${(options.notices ?? []).map(noticeBlock)} ${options.body}
        </main>
      </body>
    </html> `.value;
}
