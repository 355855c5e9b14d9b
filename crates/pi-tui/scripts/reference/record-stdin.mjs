// Records how pi-tui 0.87.1's StdinBuffer splits input, as JSON the Rust tests compare
// against (tests/fixtures/reference-stdin.json). Each case feeds chunks, then flushes what
// is left as the timeout would.
//
//   node record-stdin.mjs /path/to/node_modules/@earendil-works/pi-tui > ../../tests/fixtures/reference-stdin.json
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = process.argv[2];
if (!root) {
  console.error("usage: node record-stdin.mjs <pi-tui package dir>");
  process.exit(2);
}
const { StdinBuffer } = await import(pathToFileURL(path.join(root, "dist/index.js")).href);

const cases = [
  ["a"], ["abc"], ["hello world"], ["日本語"],
  ["\x1b"], ["\x1b[A"], ["\x1b[A\x1b[B\x1b[C"], ["\x1b[", "A"], ["\x1b", "[", "1", ";", "5", "A"],
  ["\x1bOA"], ["\x1bO", "B"], ["\x1b[1;5C"], ["\x1b[3~"], ["\x1b[5~\x1b[6~"], ["\x1b[Z"],
  ["\x1ba"], ["\x1b\x1b"], ["\x1b\x1b[A"], ["\x1b\x7f"], ["\x7f"], ["\r"], ["\n"], ["\t"], ["\x01\x02"],
  ["\x1b[97u"], ["\x1b[97;5u"], ["\x1b[97ua"], ["\x1b[97u", "a"], ["\x1b[97u", "b"], ["\x1b[97:65;2u"],
  ["\x1b[13;2u"], ["\x1b[27;5;13~"], ["\x1b[97;1:3u"], ["\x1b[?1u"], ["\x1b[?62;22c"],
  ["\x1b]11;rgb:0000/0000/0000\x07"], ["\x1b]11;rgb:ffff/ffff/ffff\x1b\\"], ["\x1b]11;rgb", ":0/0/0\x07"],
  ["\x1bP>|xterm\x1b\\"], ["\x1b_Gi=1;OK\x1b\\"], ["\x1b[<0;10;5M"], ["\x1b[<0;10;5m"], ["\x1b[<0;1", "0;5M"],
  ["\x1b[M !!"], ["\x1b[M", " !!"],
  ["\x1b[200~hello\x1b[201~"], ["\x1b[200~line1\nline2\x1b[201~"], ["\x1b[200~hel", "lo\x1b[201~"],
  ["\x1b[200~", "a", "b", "\x1b[201~"], ["x\x1b[200~p\x1b[201~y"], ["\x1b[200~\x1b[A\x1b[201~"],
  ["\x1b[200~a\x1b[201", "~rest"], ["\x1b[6;18;9t"], ["a\x1b[Ab"], ["\x1b[1;2H"], ["\x1b[15~\x1b[17;5~"],
];

const out = [];
for (const chunks of cases) {
  const buffer = new StdinBuffer({ timeout: 1000000, escapeTimeout: 1000000 });
  const events = [];
  buffer.on("data", (s) => events.push({ sequence: s }));
  buffer.on("paste", (p) => events.push({ paste: p }));
  for (const chunk of chunks) buffer.process(chunk);
  for (const s of buffer.flush()) events.push({ sequence: s });
  buffer.destroy();
  out.push({ chunks, events });
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
