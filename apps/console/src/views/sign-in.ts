import { html } from "./html.js";
import { page, type Notice } from "./layout.js";

/** The sign-in form. */
export function signInPage(options: { email?: string; next?: string; notice?: Notice }): string {
  return page({
    title: "Sign in",
    user: null,
    notices: options.notice === undefined ? [] : [options.notice],
    body: html`<form class="stack sign-in" method="post" action="/sign-in">
      <input type="hidden" name="next" value="${options.next ?? "/"}" />
      <p>
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required value="${options.email ?? ""}" />
      </p>
      <p>
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
      </p>
      <p><button type="submit">Sign in</button></p>
    </form>`,
  });
}
