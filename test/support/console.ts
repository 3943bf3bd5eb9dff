/**
 * Captures `console.log` and `console.error` for each test of the enclosing `describe` (restored
 * after each); the returned function gives the current test's lines.
 */
export function captureConsole(): () => string[] {
    let logs: string[] = [];
    const original = { log: console.log, error: console.error };
    beforeEach(() => {
        logs = [];
        console.log = (...a: unknown[]) => logs.push(a.join(" "));
        console.error = (...a: unknown[]) => logs.push(a.join(" "));
    });
    afterEach(() => Object.assign(console, original));
    return () => logs;
}
