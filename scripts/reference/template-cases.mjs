// Records how the reference pi 0.87.1 parses prompt-template arguments and fills in
// placeholders, for the cases in the file given as the first argument (written back with
// the reference's results).
//
//   node scripts/reference/template-cases.mjs crates/pi-coding-agent/tests/fixtures/resources/template-cases.json
import { readFileSync, writeFileSync } from "node:fs";

const refDir = process.env.PI_REF_DIR ?? "/tmp/pi-ref";
const { parseCommandArgs, substituteArgs, expandPromptTemplate } = await import(
  `${refDir}/node_modules/@earendil-works/pi-coding-agent/dist/core/prompt-templates.js`
);

const file = process.argv[2];
const fixture = JSON.parse(readFileSync(file, "utf-8"));
for (const item of fixture.cases) {
  const args = parseCommandArgs(item.args);
  item.parsed = args;
  item.expected = substituteArgs(item.content, args);
  item.expanded = expandPromptTemplate(`/t${item.separator ?? " "}${item.args}`, [
    { name: "t", content: item.content },
  ]);
}
writeFileSync(file, `${JSON.stringify(fixture, null, 2)}\n`);
