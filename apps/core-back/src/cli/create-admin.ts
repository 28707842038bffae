// Creates the first admin user (or makes an existing user admin) and an API key for it.
// Usage: node apps/core-back/dist/cli/create-admin.js --email a@b.c --password '...' [--name Admin] [--key-name cli]
// Reads the same environment as the server (CORE_BACK_DATA_DIR, BETTER_AUTH_SECRET, ...)
// and prints {"userId", "email", "apiKey"} as JSON. The key goes in an x-api-key header.
import { parseArgs } from "node:util";
import { loadConfig } from "../env.js";
import { openAuth } from "../wiring.js";
import { createAdmin } from "./admin.js";

const usage =
  "usage: create-admin --email <email> --password <at least 8 characters> [--name <name>] [--key-name <name>]";

try {
  const { values } = parseArgs({
    options: {
      email: { type: "string" },
      password: { type: "string" },
      name: { type: "string" },
      "key-name": { type: "string" },
    },
    strict: true,
  });
  if (values.email === undefined || values.password === undefined) throw new Error(usage);
  const config = loadConfig();
  const { db, auth } = await openAuth(config);
  const result = await createAdmin(auth, db, {
    email: values.email,
    password: values.password,
    name: values.name ?? "Admin",
    keyName: values["key-name"] ?? "cli",
  });
  db.close();
  console.log(JSON.stringify(result));
} catch (error) {
  console.error(`create-admin: ${(error as Error).message}`);
  process.exit(1);
}
