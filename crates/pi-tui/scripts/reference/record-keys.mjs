// Records pi-tui 0.87.1's key identification: parseKey for many input sequences and every
// key id that matchesKey accepts for them, with the Kitty protocol off and on, as JSON the
// Rust tests compare against (tests/fixtures/reference-keys.json).
//
//   node record-keys.mjs /path/to/node_modules/@earendil-works/pi-tui > ../../tests/fixtures/reference-keys.json
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = process.argv[2];
if (!root) {
  console.error("usage: node record-keys.mjs <pi-tui package dir>");
  process.exit(2);
}
const tui = await import(pathToFileURL(path.join(root, "dist/index.js")).href);
delete process.env.WT_SESSION;

const named = ["escape", "enter", "tab", "space", "backspace", "delete", "insert", "clear", "home", "end",
  "pageUp", "pageDown", "up", "down", "left", "right", "f1", "f2", "f3", "f4", "f5", "f6", "f10", "f12"];
const printable = [..."abcdefghijklmnopqrstuvwxyz0123456789", ..."`-=[]\\;',./!@#$%^&*()_+|~{}:<>?"];
const mods = ["", "shift+", "ctrl+", "alt+", "ctrl+shift+", "ctrl+alt+", "shift+alt+", "super+", "ctrl+super+"];
const ids = [];
for (const k of [...named, ...printable]) for (const m of mods) ids.push(m + k);

const sequences = [];
// Legacy control characters and printable ASCII.
for (let c = 0; c < 128; c++) sequences.push(String.fromCharCode(c));
for (let c = 0; c < 128; c++) sequences.push("\x1b" + String.fromCharCode(c));
// Legacy escape sequences.
sequences.push("\x1b[A", "\x1b[B", "\x1b[C", "\x1b[D", "\x1bOA", "\x1bOB", "\x1bOC", "\x1bOD", "\x1b[H", "\x1b[F",
  "\x1bOH", "\x1bOF", "\x1b[1~", "\x1b[4~", "\x1b[7~", "\x1b[8~", "\x1b[2~", "\x1b[3~", "\x1b[5~", "\x1b[6~",
  "\x1b[[5~", "\x1b[[6~", "\x1b[E", "\x1bOE", "\x1bOe", "\x1b[e", "\x1b[a", "\x1b[b", "\x1b[c", "\x1b[d",
  "\x1bOa", "\x1bOb", "\x1bOc", "\x1bOd", "\x1b[2$", "\x1b[3$", "\x1b[5$", "\x1b[6$", "\x1b[7$", "\x1b[8$",
  "\x1b[2^", "\x1b[3^", "\x1b[5^", "\x1b[6^", "\x1b[7^", "\x1b[8^", "\x1bOP", "\x1bOQ", "\x1bOR", "\x1bOS",
  "\x1b[11~", "\x1b[12~", "\x1b[13~", "\x1b[14~", "\x1b[15~", "\x1b[17~", "\x1b[18~", "\x1b[19~", "\x1b[20~",
  "\x1b[21~", "\x1b[23~", "\x1b[24~", "\x1b[[A", "\x1b[[B", "\x1b[[C", "\x1b[[D", "\x1b[[E", "\x1b[Z", "\x1bOM",
  "\x1b\x1b", "\x1b\r", "\x1b\x7f", "\x1b\b");
// xterm modified keys.
for (const m of [2, 3, 4, 5, 6, 7, 8, 9]) {
  for (const k of "ABCDHF") sequences.push(`\x1b[1;${m}${k}`);
  for (const n of [2, 3, 5, 6, 7, 8, 15, 17]) sequences.push(`\x1b[${n};${m}~`);
}
// Kitty CSI-u: plain, modified, shifted, base layout, event types, lock bits, keypad.
for (const cp of [9, 13, 27, 32, 97, 65, 99, 112, 49, 45, 47, 93, 127, 57414, 57399, 57409, 57417, 57423, 57426, 1089, 1095]) {
  for (const m of [undefined, 1, 2, 3, 5, 6, 7, 9, 65, 130, 133]) {
    sequences.push(m === undefined ? `\x1b[${cp}u` : `\x1b[${cp};${m}u`);
  }
}
sequences.push("\x1b[97:65;2u", "\x1b[1089::99;5u", "\x1b[1089::99u", "\x1b[1095::120;5u", "\x1b[97;5:1u",
  "\x1b[97;5:2u", "\x1b[97;5:3u", "\x1b[13;2:3u", "\x1b[1;5:3A", "\x1b[1;1:2B", "\x1b[3;5:3~", "\x1b[3:3~",
  "\x1b[49:33;2u", "\x1b[59:58;2u", "\x1b[1;1D", "\x1b[1;3D", "\x1b[1;5D");
// modifyOtherKeys.
for (const code of [9, 13, 27, 32, 97, 65, 99, 112, 49, 45, 127]) {
  for (const m of [2, 3, 5, 6, 7]) sequences.push(`\x1b[27;${m};${code}~`);
}

const out = [];
for (const kitty of [false, true]) {
  tui.setKittyProtocolActive(kitty);
  for (const s of sequences) {
    const matches = ids.filter((id) => tui.matchesKey(s, id));
    out.push({ kitty, input: s, parsed: tui.parseKey(s) ?? null, matches,
      release: tui.isKeyRelease(s), repeat: tui.isKeyRepeat(s), printable: tui.decodeKittyPrintable(s) ?? null });
  }
}
tui.setKittyProtocolActive(false);
process.stdout.write(JSON.stringify({ ids, cases: out }) + "\n");
