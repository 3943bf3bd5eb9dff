#!/usr/bin/env node
// The `paved` bin: runs the TypeScript CLI through ts-node (transpile-only; `npm test` type-checks).
require("ts-node").register({ transpileOnly: true, project: require("path").join(__dirname, "..", "tsconfig.json") });
require("./main").main(process.argv.slice(2)).then((code) => process.exit(code));
