// Records pi-tui 0.87.1's Editor on scripted key sequences (text, cursor and rendered lines
// after each scenario), as JSON the Rust tests replay (tests/fixtures/reference-editor.json).
//
//   node record-editor.mjs /path/to/node_modules/@earendil-works/pi-tui > ../../tests/fixtures/reference-editor.json
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = process.argv[2];
if (!root) {
  console.error("usage: node record-editor.mjs <pi-tui package dir>");
  process.exit(2);
}
const { Editor } = await import(pathToFileURL(path.join(root, "dist/index.js")).href);
delete process.env.WT_SESSION;

const identity = (s) => s;
const theme = { borderColor: identity, selectList: { selectedText: identity, description: identity, scrollInfo: identity, noMatch: identity } };

const type = (s) => [...s];
const K = {
  enter: "\r", shiftEnter: "\x1b[13;2u", ctrlJ: "\n", up: "\x1b[A", down: "\x1b[B", left: "\x1b[D", right: "\x1b[C",
  home: "\x1b[H", end: "\x1b[F", ctrlA: "\x01", ctrlE: "\x05", ctrlK: "\x0b", ctrlU: "\x15", ctrlW: "\x17",
  altD: "\x1bd", ctrlY: "\x19", altY: "\x1by", undo: "\x1f", bs: "\x7f", del: "\x1b[3~", altB: "\x1bb",
  altF: "\x1bf", ctrlLeft: "\x1b[1;5D", ctrlRight: "\x1b[1;5C", jump: "\x1d", jumpBack: "\x1b\x1d",
  pageUp: "\x1b[5~", pageDown: "\x1b[6~", altBs: "\x1b\x7f", ctrlD: "\x04", tab: "\t", esc: "\x1b",
};
const paste = (s) => [`\x1b[200~${s}\x1b[201~`];
const lines = (n, prefix = "line") => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1}`).join("\n");

const scenarios = {
  "typing": [type("hello world")],
  "typing unicode": [type("héllo 日本語 👍🏽 ok")],
  "newline shift+enter": [type("a"), [K.shiftEnter], type("b")],
  "newline ctrl+j": [type("a"), [K.ctrlJ], type("b")],
  "newline esc-cr": [type("a"), ["\x1b\r"], type("b")],
  "backslash enter": [type("first\\"), [K.enter], type("second")],
  "left right": [type("abc"), [K.left, K.left], type("X"), [K.right], type("Y")],
  "grapheme left": [type("a👍🏽b"), [K.left, K.left], type("X")],
  "home end": [type("hello"), [K.home], type(">"), [K.end], type("<")],
  "ctrl-a ctrl-e": [type("hello"), [K.ctrlA], type("["), [K.ctrlE], type("]")],
  "backspace": [type("hello"), [K.bs, K.bs], type("p")],
  "backspace joins lines": [type("ab"), [K.shiftEnter], type("cd"), [K.home, K.bs]],
  "delete forward": [type("hello"), [K.home, K.del, K.del]],
  "delete joins lines": [type("ab"), [K.shiftEnter], type("cd"), [K.up, K.end, K.del]],
  "ctrl-k kill line end": [type("hello world"), [K.home, K.right, K.ctrlK]],
  "ctrl-u kill line start": [type("hello world"), [K.left, K.left, K.ctrlU]],
  "ctrl-w kill word": [type("foo bar baz"), [K.ctrlW]],
  "ctrl-w twice accumulates and yanks": [type("foo bar baz"), [K.ctrlW, K.ctrlW, K.ctrlY]],
  "alt-d kill word forward": [type("foo bar baz"), [K.home, K.altD, K.altD], [K.end], [K.ctrlY]],
  "yank pop": [type("one two"), [K.ctrlW], type("x"), [K.ctrlW, K.ctrlW], type(" "), [K.ctrlY, K.altY]],
  "yank multi-line": [type("ab"), [K.shiftEnter], type("cd"), [K.ctrlU, K.bs, K.ctrlU], [K.ctrlY]],
  "undo typing word": [type("hello world"), [K.undo]],
  "undo twice": [type("hello world"), [K.undo, K.undo]],
  "undo kill": [type("foo bar"), [K.ctrlW, K.undo]],
  "undo paste": [type("x"), paste("pasted"), [K.undo]],
  "word motion": [type("foo.bar baz-qux  end"), [K.altB, K.altB], type("|"), [K.altF], type("^")],
  "ctrl-arrow motion": [type("alpha beta gamma"), [K.ctrlLeft, K.ctrlLeft], type("*"), [K.ctrlRight], type("#")],
  "alt-backspace": [type("alpha beta"), [K.altBs]],
  "jump forward": [type("abcabc"), [K.home, K.jump], type("c"), type("X")],
  "jump backward": [type("abcabc"), [K.jumpBack], type("a"), type("Y")],
  "jump cancelled": [type("abc"), [K.home, K.jump, K.jump], type("Z")],
  "paste small": [type("a"), paste("hello\nworld"), type("b")],
  "paste large lines": [type("see "), paste(lines(12)), type(" end")],
  "paste large chars": [paste("x".repeat(1200))],
  "paste two large": [paste(lines(11)), type(" "), paste(lines(15))],
  "paste marker backspace": [paste(lines(11)), [K.bs]],
  "paste marker renumber": [paste(lines(11)), type(" "), paste(lines(12)), [K.home], [K.right], [K.bs]],
  "paste marker left-right atomic": [type("a"), paste(lines(11)), type("b"), [K.left, K.left], type("X")],
  "paste crlf and tabs": [paste("a\r\nb\tc")],
  "paste path after word": [type("look"), paste("/tmp/x")],
  "paste control chars dropped": [paste("a\x07b\x1bc")],
  "wrap long line": [type("the quick brown fox jumps over the lazy dog again and again")],
  "wrap cursor up down": [type("the quick brown fox jumps over the lazy dog again and again"), [K.up], type("^"), [K.down], type("v")],
  "wrap cjk": [type("日本語のテキストはスペースなしで折り返されます")],
  "wrap long word": [type("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")],
  "up at first line goes to start": [type("hello"), [K.left, K.left], [K.up], type("^")],
  "down at last line goes to end": [type("hello"), [K.home], [K.down], type("$")],
  "vertical keeps column": [type("long line here"), [K.shiftEnter], type("ab"), [K.shiftEnter], type("another long"), [K.up, K.up], type("|")],
  "many lines scroll": [type(lines(20).replace(/\n/g, "\r")), [K.pageUp], type("!")],
  "page down": [type(lines(20).replace(/\n/g, "\r")), [K.pageUp, K.pageUp, K.pageDown], type("?")],
  "ctrl-d deletes forward": [type("abc"), [K.home, K.ctrlD]],
  "shift-space": [type("a"), ["\x1b[32;2u"], type("b")],
  "kitty printable": [["\x1b[97u", "\x1b[98:66;2u"]],
  "escape ignored": [type("a"), [K.esc], type("b")],
};

const sizes = [{ width: 20, rows: 24 }, { width: 40, rows: 24 }];
const out = [];
for (const [name, steps] of Object.entries(scenarios)) {
  const inputs = steps.flat();
  for (const { width, rows } of sizes) {
    const tui = { terminal: { rows, columns: width }, requestRender() {} };
    const editor = new Editor(tui, theme);
    editor.focused = true;
    const submitted = [];
    editor.onSubmit = (t) => submitted.push(t);
    editor.render(width);
    for (const input of inputs) {
      editor.handleInput(input);
      editor.render(width);
    }
    out.push({
      name, width, rows, inputs,
      text: editor.getText(), expanded: editor.getExpandedText(), cursor: editor.getCursor(),
      submitted, render: editor.render(width),
    });
  }
}
// History: submit a few prompts, then browse.
{
  const width = 30;
  const tui = { terminal: { rows: 24, columns: width }, requestRender() {} };
  const steps = [["first", "second", "third"], [K.up], [K.up], [K.down], [K.down], [K.down]];
  const editor = new Editor(tui, theme);
  editor.focused = true;
  const snapshots = [];
  for (const p of steps[0]) { editor.addToHistory(p); }
  editor.handleInput("d"); editor.handleInput("r");
  for (const keys of steps.slice(1)) {
    for (const k of keys) editor.handleInput(k);
    snapshots.push({ text: editor.getText(), cursor: editor.getCursor() });
  }
  out.push({ name: "history", history: steps[0], draft: "dr", snapshots });
}
process.stdout.write(JSON.stringify(out) + "\n");
