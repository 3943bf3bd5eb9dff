import type { JobTrigger } from "./context";

/** A job without `schedule` or `queue` runs on demand (`paved job run`): nothing starts it. */
export const onDemandTrigger = (): JobTrigger => ({
    prepare: () => ({}),
    attach: () => ({}),
});
