export * from "./skills.js";
