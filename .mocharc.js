// Mocha's settings for `npm test` (and `npx mocha`).
//
// Test files run in two worker processes (`parallel`, `jobs`: one per core of the 2-core machines
// the suite runs on); each worker runs one file at a time, in the order of `spec`. The files that
// take longest start first, so that none of them starts last and leaves one core idle at the end;
// every other test file follows in name order. A file missing from the list still runs.
//
// Every worker is its own Node.js process: its own Pulumi runtime, its own moto_server (on a free
// port) and temporary directories, as each file already sets up; module-level state (such as the
// shared plans of test/support/plans.ts) is shared only by the files one worker runs.
//
// max-semi-space-size: a plan under the mocks allocates many short-lived objects (promises,
// protobuf structs); a larger young generation scavenges less often (the config fuzzing spent
// about 40% of its time in the garbage collector with the default).
const fs = require("fs");
const path = require("path");

const LONGEST_FIRST = [
    "test/fuzz/config.fuzz.test.ts",
    "test/package/consumer.test.ts",
    "test/frontend/release-rehearsal.test.ts",
    "test/package/plugin.test.ts",
    "test/cli/diff.test.ts",
    "test/frontend/release-browser.test.ts",
    "test/package/api-report.test.ts",
    "test/cli/affected.test.ts",
    "test/frontend/frontend-app.test.ts",
    "test/cli/graph.test.ts",
    "test/cli-aws/status.test.ts",
];

/** Every `*.test.ts` under `dir` (as the glob test/**\/*.test.ts finds them: no dot directories). */
function testFiles(dir) {
    return fs
        .readdirSync(path.join(__dirname, dir), { withFileTypes: true })
        .filter((e) => !e.name.startsWith("."))
        .flatMap((e) => (e.isDirectory() ? testFiles(`${dir}/${e.name}`) : e.name.endsWith(".test.ts") ? [`${dir}/${e.name}`] : []))
        .sort();
}

const all = testFiles("test");

module.exports = {
    require: ["./test/support/esbuild-register.js"],
    extension: ["ts"],
    spec: [...LONGEST_FIRST.filter((f) => all.includes(f)), ...all.filter((f) => !LONGEST_FIRST.includes(f))].map((f) => path.join(__dirname, f)),
    timeout: 60000,
    parallel: true,
    jobs: 2,
    "node-option": ["conditions=paved-source", "max-semi-space-size=64"],
};
