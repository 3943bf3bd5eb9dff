/**
 * Paved's public API: the components, their args, the config loader, naming and errors.
 * Teams import from here; everything else is internal.
 */
export * from "./errors";
export * from "./args";
export * from "./naming";
export * from "./stack-name";
export * from "./validation";
export * from "./path-filter";
export * from "./config";
export * from "./network/network";
export * from "./resource-names";
export * from "./environment/outputs";
export * from "./batch/batch-cluster";
export * from "./batch/batch-job";
export * from "./batch/triggers";
export * from "./frontend/router";
export * from "./frontend/buildspec";
export * from "./frontend/site-host";
export * from "./frontend/frontend-app";
export * from "./frontend/build-image";
export * from "./batch/container-service";
export * from "./batch/service-load-balancer";
export * from "./environment/environment";
export * from "./operations/alerts";
export * from "./operations/dashboard";
export * from "./operations/events";
export * from "./operations/notification-template";
export * from "./operations/operations";
