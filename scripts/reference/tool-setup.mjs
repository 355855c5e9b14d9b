// Materializes the tool parity cases (crates/pi-coding-agent/tests/fixtures/tools/parity-cases.json)
// twice, once per implementation, and writes the plan each runner follows.
//
//   node scripts/reference/tool-setup.mjs <cases.json> <work dir>
//
// A case's files are strings, {base64}, {lines: {template, count, trailingNewline}} ("{n}" is the
// line number), {repeat: {text, count}} or {concat: [spec, ...]}; `dirs` are created empty and `setup` shell commands
// run in the case directory afterwards.
import { execSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const [casesPath, work] = process.argv.slice(2);
const cases = JSON.parse(readFileSync(casesPath, "utf8"));

function content(spec) {
  if (typeof spec === "string") return Buffer.from(spec, "utf8");
  if (spec.base64 !== undefined) return Buffer.from(spec.base64, "base64");
  if (spec.lines) {
    const { template, count, trailingNewline } = spec.lines;
    const lines = Array.from({ length: count }, (_, i) => template.replaceAll("{n}", String(i + 1)));
    return Buffer.from(lines.join("\n") + (trailingNewline ? "\n" : ""), "utf8");
  }
  if (spec.repeat) return Buffer.from(spec.repeat.text.repeat(spec.repeat.count), "utf8");
  if (spec.concat) return Buffer.concat(spec.concat.map(content));
  throw new Error(`unknown file spec ${JSON.stringify(spec)}`);
}

for (const impl of ["ref", "rs"]) {
  const plan = [];
  for (const c of cases) {
    const dir = join(work, impl, c.name);
    mkdirSync(dir, { recursive: true });
    for (const sub of c.dirs ?? []) mkdirSync(join(dir, sub), { recursive: true });
    for (const [path, spec] of Object.entries(c.files ?? {})) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content(spec));
    }
    for (const command of c.setup ?? []) execSync(command, { cwd: dir, stdio: "ignore", shell: "/bin/sh" });
    plan.push({
      name: c.name,
      dir,
      cwd: c.cwd ? join(dir, c.cwd) : dir,
      tool: c.tool,
      args: c.args,
      options: c.options ?? {},
      abortAfterMs: c.abortAfterMs,
      readFiles: c.readFiles ?? [],
    });
  }
  writeFileSync(join(work, `plan-${impl}.json`), JSON.stringify(plan, null, 1));
}
