/**
 * What the CLI and the program share offline: stack config files and the project name, an
 * environment's validated config, and the plan (the program evaluated under the mock runtime).
 */
export * from "./stack-config";
export * from "./environment-config";
export * from "./plan";
export * from "./program";
