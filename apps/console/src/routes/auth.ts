import { Hono } from "hono";
import { z } from "zod";
import type { CoreBackClient } from "../core-back.js";
import type { Context } from "hono";
import { CoreBackError, CoreBackUnreachableError, type SignInRefusedError } from "../errors.js";
import { signInPage } from "../views/sign-in.js";
import type { ConsoleEnv } from "./context.js";
import { noticeFrom } from "./context.js";
import { readForm } from "./forms.js";

const signInForm = z.object({
  email: z.string().trim().min(1, "enter your email").max(320),
  password: z.string().min(1, "enter your password").max(1024),
  next: z.string().max(2048).optional(),
});

/** A made-up origin to resolve `next` against: only what stays on it is a path of this console. */
const HERE = "http://console.invalid";

/**
 * Only a path on this console is a place to go after signing in. A browser drops tabs and
 * newlines from a URL and reads a backslash as a slash, so `/<tab>/evil.test` would take it
 * to another site: any control character or backslash sends the visitor home instead.
 */
export function safeNext(next: string | undefined): string {
  if (next === undefined || !next.startsWith("/") || /[\p{Cc}\\]/u.test(next)) return "/";
  const url = new URL(next, HERE);
  // `/.//evil.test` resolves to the path `//evil.test`, which a browser reads as another site.
  return url.origin === HERE && !url.pathname.startsWith("//") ? url.pathname + url.search : "/";
}

/**
 * The sign-in form again, after core-back refused it: the email filled in, the place to go
 * next kept (read again from the form, which Hono keeps), and why it was refused.
 */
export async function signInAgainPage(c: Context, error: SignInRefusedError): Promise<string> {
  const form = await c.req.parseBody().catch((): Record<string, unknown> => ({}));
  const next = typeof form.next === "string" ? form.next : undefined;
  return signInPage({ email: error.email, next: safeNext(next), notice: { kind: "alert", text: error.message } });
}

/** A cookie that expires the session cookie, for when core-back cannot be asked to. */
const CLEAR_SESSION = "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax";

/** `GET|POST /sign-in` and `POST /sign-out`, through core-back's Better-Auth. */
export function authRoutes(coreBack: CoreBackClient): Hono<ConsoleEnv> {
  const routes = new Hono<ConsoleEnv>();

  routes.get("/sign-in", (c) => {
    const notice = noticeFrom(c)[0];
    return c.html(signInPage({ next: safeNext(c.req.query("next")), notice }));
  });

  routes.post("/sign-in", async (c) => {
    const form = await readForm(c, signInForm);
    const { setCookies } = await coreBack.signIn(form.email, form.password);
    for (const cookie of setCookies) c.header("Set-Cookie", cookie, { append: true });
    return c.redirect(safeNext(form.next), 303);
  });

  routes.post("/sign-out", async (c) => {
    let cleared = false;
    try {
      const { setCookies } = await coreBack.signOut(c.req.header("cookie"));
      for (const cookie of setCookies) c.header("Set-Cookie", cookie, { append: true });
      cleared = setCookies.length > 0;
    } catch (error) {
      if (!(error instanceof CoreBackError || error instanceof CoreBackUnreachableError)) throw error;
    }
    if (!cleared) c.header("Set-Cookie", CLEAR_SESSION, { append: true });
    return c.redirect("/sign-in?notice=signed-out", 303);
  });

  return routes;
}
