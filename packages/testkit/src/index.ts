export * from "./scripted-model.js";
export * from "./git.js";
