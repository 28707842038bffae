import type { Auth } from "../auth/auth.js";
import type { Db } from "../db/database.js";

/** Who to create. */
export interface NewAdmin {
  email: string;
  password: string;
  name: string;
  /** The API key's name; null makes no key. */
  keyName: string | null;
}

/** The admin and a fresh API key (shown once; only its hash is stored), unless none was asked for. */
export interface CreatedAdmin {
  userId: string;
  email: string;
  created: boolean;
  apiKey: string | null;
}

/**
 * Creates an admin user, or gives an existing user the admin role (its password is left
 * alone), then creates an API key for it unless `keyName` is null.
 */
export async function createAdmin(auth: Auth, db: Db, admin: NewAdmin): Promise<CreatedAdmin> {
  if (admin.password.length < 8) throw new Error("the password needs at least 8 characters");
  const email = admin.email.trim().toLowerCase();
  const existing = db.prepare<[string], { id: string }>("SELECT id FROM user WHERE email = ?").get(email);
  let userId: string;
  let created = false;
  if (existing === undefined) {
    const result = await auth.api.createUser({
      body: { email, password: admin.password, name: admin.name, role: "admin" },
    });
    userId = result.user.id;
    created = true;
  } else {
    userId = existing.id;
    db.prepare("UPDATE user SET role = 'admin' WHERE id = ?").run(userId);
  }
  if (admin.keyName === null) return { userId, email, created, apiKey: null };
  const key = await auth.api.createApiKey({ body: { userId, name: admin.keyName } });
  return { userId, email, created, apiKey: key.key };
}
