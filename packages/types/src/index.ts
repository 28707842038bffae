export * from "./build-scopes.js";
export * from "./deploy.js";
export * from "./container.js";
export * from "./webhooks.js";
export * from "./errors.js";
export * from "./releases.js";
export * from "./agent-env.js";
