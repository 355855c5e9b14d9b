// Records pi-tui 0.87.1's Markdown component on a corpus of documents, with a theme that
// marks styles with visible brackets, as JSON the Rust tests compare against
// (tests/fixtures/reference-markdown.json).
//
//   node record-markdown.mjs /path/to/node_modules/@earendil-works/pi-tui > ../../tests/fixtures/reference-markdown.json
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = process.argv[2];
if (!root) {
  console.error("usage: node record-markdown.mjs <pi-tui package dir>");
  process.exit(2);
}
const tui = await import(pathToFileURL(path.join(root, "dist/index.js")).href);
tui.setCapabilities?.({ images: null, trueColor: false, hyperlinks: false });

const id = (s) => s;
const theme = {
  heading: id, link: id, linkUrl: id, code: (s) => `<c>${s}</c>`, codeBlock: id, codeBlockBorder: id, quote: id,
  quoteBorder: id, hr: id, listBullet: id, bold: (s) => `<b>${s}</b>`, italic: (s) => `<i>${s}</i>`,
  strikethrough: (s) => `<s>${s}</s>`, underline: id,
};
const docs = [
  "# Title\n\nSome paragraph text that is long enough to wrap around at forty columns.",
  "## Second level\nText right after.",
  "### Third level\n\nbody",
  "Plain **bold** and *italic* and `code` and ~~gone~~ text.",
  "- one\n- two\n- three",
  "1. first\n2. second\n3. third",
  "5. five\n6. six",
  "- outer\n    - inner\n        - deepest\n- back",
  "- [ ] todo\n- [x] done",
  "Intro:\n- a\n- b",
  "Intro with a gap:\n\n- a\n- b",
  "- loose one\n\n- loose two",
  "```rust\nfn main() {\n    println!(\"hi\");\n}\n```",
  "```\nno language\n```\n\nafter",
  "> quoted text\n> more quoted",
  "> quote\n\nafter quote",
  "before\n\n---\n\nafter",
  "| Name | Value |\n|------|-------|\n| a | 1 |\n| bb | 22 |",
  "| Column with a long header | Another long header here | Third |\n|---|---|---|\n| some cell text that is long | more text in this cell | x |",
  "A [link](https://pi.dev) and https://example.com and [same](same).",
  "Line one\nline two (soft break)",
  "Hard break  \nnext line",
  "<div>html block</div>",
  "Streaming ```code\nunfinished",
  "```js\nconst x = 1;\n``",
  "averyveryverylongwordthatcannotbewrappedatallbecauseithasnospaces and more",
  "日本語のテキストはスペースなしで折り返されます。これは長い文です。",
  "Paragraph one.\n\nParagraph two.\n\nParagraph three.",
  "1. item with **bold**\n   continuation line\n2. next",
];
const out = [];
for (const text of docs) {
  for (const width of [40, 80]) {
    const md = new tui.Markdown(text, 0, 0, theme);
    out.push({ text, width, lines: md.render(width) });
  }
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
