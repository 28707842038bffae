export * from "./scripted-model.js";
export * from "./git.js";
export * from "./net.js";
