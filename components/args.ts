/**
 * `o` without its undefined fields, so spreading it over defaults keeps the defaults: a caller
 * writing `{ command: undefined }` gets the documented default, not `undefined`.
 */
export function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
    return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}
