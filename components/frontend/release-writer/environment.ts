/**
 * The release writer's environment variables: which app it writes for, in which bucket and store.
 * Fixed at deploy time (FrontendApp), never taken from an event.
 */
export const WRITER_ENVIRONMENT = { app: "PAVED_APP", bucket: "PAVED_BUCKET", keyValueStoreArn: "PAVED_KVS_ARN" } as const;
