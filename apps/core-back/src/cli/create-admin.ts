// Creates the first admin user (or makes an existing user admin) and an API key for it.
// Usage: node apps/core-back/dist/cli/create-admin.js --email a@b.c (--password '...' | --password-stdin)
//          [--name Admin] [--key-name cli | --no-api-key]
// Reads the same environment as the server (CORE_BACK_DATA_DIR, BETTER_AUTH_SECRET, ...)
// and prints {"userId", "email", "created", "apiKey"} as JSON. The key goes in an x-api-key
// header; with --no-api-key no key is made and apiKey is null.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig } from "../env.js";
import { openAuth } from "../wiring.js";
import { createAdmin } from "./admin.js";

const usage =
  "usage: create-admin --email <email> (--password <at least 8 characters> | --password-stdin) [--name <name>] [--key-name <name> | --no-api-key]";

try {
  const { values } = parseArgs({
    options: {
      email: { type: "string" },
      password: { type: "string" },
      "password-stdin": { type: "boolean" },
      name: { type: "string" },
      "key-name": { type: "string" },
      "no-api-key": { type: "boolean" },
    },
    strict: true,
  });
  // From stdin, the password stays out of the process list.
  const password = values["password-stdin"] === true ? readFileSync(0, "utf8").replace(/\r?\n$/, "") : values.password;
  if (values.email === undefined || password === undefined) throw new Error(usage);
  if (values["no-api-key"] === true && values["key-name"] !== undefined) throw new Error(usage);
  const config = loadConfig();
  const { db, auth } = await openAuth(config);
  const result = await createAdmin(auth, db, {
    email: values.email,
    password,
    name: values.name ?? "Admin",
    keyName: values["no-api-key"] === true ? null : (values["key-name"] ?? "cli"),
  });
  db.close();
  console.log(JSON.stringify(result));
} catch (error) {
  console.error(`create-admin: ${(error as Error).message}`);
  process.exit(1);
}
