// Records what pi-tui 0.87.1 answers for the width functions, as JSON the Rust tests compare
// against (tests/fixtures/reference-width.json).
//
//   node record-width.mjs /path/to/node_modules/@earendil-works/pi-tui > ../../tests/fixtures/reference-width.json
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = process.argv[2];
if (!root) {
  console.error("usage: node record-width.mjs <pi-tui package dir>");
  process.exit(2);
}
const tui = await import(pathToFileURL(path.join(root, "dist/index.js")).href);

const samples = [
  "", "hello", "hello world", "tab\there", "日本語テキスト", "한국어", "a😀b", "👍🏽 ok",
  "👨‍👩‍👧 family", "🇺🇸 flag", "🇺", "e\u0301t\u00e9", "\x1b[31mred\x1b[0m plain",
  "\x1b[1;4mbold underline\x1b[22;24m after", "\x1b]8;;https://pi.dev\x07link\x1b]8;;\x07 text",
  "\x1b_pi:c\x07cursor", "\x1b[38;5;240mgrey\x1b[39m", "\x1b[38;2;1;2;3mrgb\x1b[0m", "ｆｕｌｌ",
  "mixed 日本 and ascii words here", "\x1b[44mbackground words that wrap around\x1b[0m",
  "averyveryverylongwordwithoutanyspacesatall", "  leading spaces", "trailing spaces   ",
  "many     spaces     between", "\x1b[4munderlined text that is long enough\x1b[24m",
  "\x1b]8;;http://x.y\x1b\\linked words in a row\x1b]8;;\x1b\\", "line one\nline two\r\nline three",
  "\x1b[32mgreen\nstill green\x1b[0m", "中文中文中文中文中文", "😀😀😀😀😀😀", "a\tb\tc\td",
];
const widths = [1, 2, 3, 5, 8, 10, 20];

const width = samples.map((s) => ({ input: s, width: tui.visibleWidth(s) }));
const truncate = [];
const wrap = [];
for (const s of samples) {
  for (const w of widths) {
    for (const [ellipsis, pad] of [["...", false], ["…", true], ["", false]]) {
      truncate.push({ input: s, width: w, ellipsis, pad, output: tui.truncateToWidth(s, w, ellipsis, pad) });
    }
    wrap.push({ input: s, width: w, output: tui.wrapTextWithAnsi(s, w) });
  }
}
process.stdout.write(JSON.stringify({ width, truncate, wrap }, null, 1) + "\n");
