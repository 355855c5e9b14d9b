// Records pi-tui 0.87.1's overlay placement (resolveOverlayLayout) and line compositing
// (compositeTuiLine), as JSON the Rust tests compare against
// (tests/fixtures/reference-overlay.json).
//
//   node record-overlay.mjs /path/to/node_modules/@earendil-works/pi-tui > ../../tests/fixtures/reference-overlay.json
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = process.argv[2];
if (!root) {
  console.error("usage: node record-overlay.mjs <pi-tui package dir>");
  process.exit(2);
}
const tui = await import(pathToFileURL(path.join(root, "dist/index.js")).href);
const { TuiMainScreen } = tui;
const probe = Object.create(TuiMainScreen.prototype);

const anchors = ["center", "top-left", "top-right", "bottom-left", "bottom-right", "top-center", "bottom-center", "left-center", "right-center"];
const optionSets = [{}];
for (const anchor of anchors) optionSets.push({ anchor }, { anchor, offsetX: 2, offsetY: -1 }, { anchor, margin: 2 });
optionSets.push(
  { width: 30 }, { width: "50%" }, { width: "150%" }, { width: 10, minWidth: 20 }, { maxHeight: 5 }, { maxHeight: "50%" },
  { row: 3, col: 4 }, { row: "25%", col: "75%" }, { row: "100%", col: "0%" }, { row: 100, col: 100 },
  { margin: { top: 1, right: 2, bottom: 3, left: 4 }, anchor: "bottom-right" }, { offsetX: -100, offsetY: -100 },
);
const layouts = [];
for (const options of optionSets) {
  for (const [height, cols, rows] of [[5, 80, 24], [30, 80, 24], [3, 40, 10], [1, 10, 5]]) {
    const r = probe.resolveOverlayLayout(options, height, cols, rows);
    layouts.push({ options, height, cols, rows, layout: { ...r, maxHeight: r.maxHeight ?? null } });
  }
}
const composites = [];
const bases = ["", "plain base text that is long enough", "\x1b[31mred base line with color\x1b[0m", "日本語のテキストです日本語のテキスト", "ab😀cd😀ef😀gh😀ij😀kl"];
const overlays = ["OVERLAY", "\x1b[44mblue box\x1b[0m", "wide 日本 text"];
for (const base of bases) for (const overlay of overlays) for (const [col, w] of [[0, 8], [5, 10], [3, 7], [20, 10]]) {
  composites.push({ base, overlay, col, width: w, total: 30, out: tui.compositeTuiLine(base, overlay, col, w, 30) });
}
process.stdout.write(JSON.stringify({ layouts, composites }) + "\n");
