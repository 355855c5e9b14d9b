// Compares the reference's and our tool results for the parity cases; prints one line per
// case and the differences, and exits non-zero when a case differs without a known reason
// (the case's `knownDifference`).
//
//   node scripts/reference/tool-compare.mjs <cases.json> <results-ref.json> <results-rs.json>
import { existsSync, readFileSync, statSync } from "node:fs";

const [casesPath, refPath, rsPath] = process.argv.slice(2);
const cases = Object.fromEntries(JSON.parse(readFileSync(casesPath, "utf8")).map((c) => [c.name, c]));
const ref = JSON.parse(readFileSync(refPath, "utf8"));
const rs = Object.fromEntries(JSON.parse(readFileSync(rsPath, "utf8")).map((r) => [r.name, r]));

// Temp paths and file contents that legitimately differ are replaced by stable stand-ins.
function normalize(result, spec) {
  const logs = new Map();
  const walk = (value) => {
    if (typeof value === "string") {
      let text = value.replaceAll(result.dir, "$DIR");
      text = text.replace(/\/[^\s\]"]*\/pi-bash-[0-9a-f]{16}\.log/g, (path) => {
        if (!logs.has(path)) logs.set(path, existsSync(path) ? statSync(path).size : -1);
        return "$LOG";
      });
      return text;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === "object") {
      const out = {};
      for (const [key, inner] of Object.entries(value)) {
        if (key === "data" && spec.ignoreImageData) out[key] = "<image data>";
        else out[key] = walk(inner);
      }
      return out;
    }
    return value;
  };
  const { dir: _dir, ...rest } = result;
  const out = walk(rest);
  if (logs.size > 0) out.logSizes = [...logs.values()];
  if (spec.sortLines && out.content) {
    out.content = out.content.map((block) =>
      block.type === "text" ? { ...block, text: block.text.split("\n").sort().join("\n") } : block,
    );
  }
  return out;
}

function diffLines(a, b) {
  const left = JSON.stringify(a, null, 1).split("\n");
  const right = JSON.stringify(b, null, 1).split("\n");
  const out = [];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== right[i]) {
      const cut = (line) => (line === undefined ? "<none>" : line.length > 300 ? `${line.slice(0, 300)}...` : line);
      out.push(`    ref: ${cut(left[i])}`);
      out.push(`    rs:  ${cut(right[i])}`);
      if (out.length > 16) break;
    }
  }
  return out.join("\n");
}

let same = 0;
let known = 0;
let unexpected = 0;
for (const r of ref) {
  const spec = cases[r.name] ?? {};
  const mine = rs[r.name];
  if (!mine) {
    console.log(`MISSING ${r.name}`);
    unexpected++;
    continue;
  }
  const a = normalize(r, spec);
  const b = normalize(mine, spec);
  if (JSON.stringify(a) === JSON.stringify(b)) {
    console.log(`same    ${r.name}`);
    same++;
  } else if (spec.knownDifference) {
    console.log(`known   ${r.name}: ${spec.knownDifference}`);
    known++;
  } else {
    console.log(`DIFFERS ${r.name}\n${diffLines(a, b)}`);
    unexpected++;
  }
}
console.log(`\n${same} same, ${known} known differences, ${unexpected} unexpected differences`);
process.exit(unexpected > 0 ? 1 : 0);
