export * from "./schema";
export * from "./load";
export * from "./instance-types";
