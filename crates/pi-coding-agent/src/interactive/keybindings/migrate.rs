//! Keybinding ids of pi before 0.61 (`expandTools`, `selectConfirm`, ...) and their
//! namespaced successors, and pi's startup rewrite of a `keybindings.json` that uses them.

use std::io;
use std::path::Path;

use serde_json::{Map, Value};

use super::ordered_ids;
use crate::tools::write_atomic;

/// Each legacy id and the id that replaced it.
const LEGACY_IDS: [(&str, &str); 58] = [
    ("cursorUp", "tui.editor.cursorUp"),
    ("cursorDown", "tui.editor.cursorDown"),
    ("cursorLeft", "tui.editor.cursorLeft"),
    ("cursorRight", "tui.editor.cursorRight"),
    ("cursorWordLeft", "tui.editor.cursorWordLeft"),
    ("cursorWordRight", "tui.editor.cursorWordRight"),
    ("cursorLineStart", "tui.editor.cursorLineStart"),
    ("cursorLineEnd", "tui.editor.cursorLineEnd"),
    ("jumpForward", "tui.editor.jumpForward"),
    ("jumpBackward", "tui.editor.jumpBackward"),
    ("pageUp", "tui.editor.pageUp"),
    ("pageDown", "tui.editor.pageDown"),
    ("deleteCharBackward", "tui.editor.deleteCharBackward"),
    ("deleteCharForward", "tui.editor.deleteCharForward"),
    ("deleteWordBackward", "tui.editor.deleteWordBackward"),
    ("deleteWordForward", "tui.editor.deleteWordForward"),
    ("deleteToLineStart", "tui.editor.deleteToLineStart"),
    ("deleteToLineEnd", "tui.editor.deleteToLineEnd"),
    ("yank", "tui.editor.yank"),
    ("yankPop", "tui.editor.yankPop"),
    ("undo", "tui.editor.undo"),
    ("newLine", "tui.input.newLine"),
    ("submit", "tui.input.submit"),
    ("tab", "tui.input.tab"),
    ("copy", "tui.input.copy"),
    ("selectUp", "tui.select.up"),
    ("selectDown", "tui.select.down"),
    ("selectPageUp", "tui.select.pageUp"),
    ("selectPageDown", "tui.select.pageDown"),
    ("selectConfirm", "tui.select.confirm"),
    ("selectCancel", "tui.select.cancel"),
    ("interrupt", "app.interrupt"),
    ("clear", "app.clear"),
    ("exit", "app.exit"),
    ("suspend", "app.suspend"),
    ("cycleThinkingLevel", "app.thinking.cycle"),
    ("cycleModelForward", "app.model.cycleForward"),
    ("cycleModelBackward", "app.model.cycleBackward"),
    ("selectModel", "app.model.select"),
    ("expandTools", "app.tools.expand"),
    ("toggleThinking", "app.thinking.toggle"),
    ("toggleSessionNamedFilter", "app.session.toggleNamedFilter"),
    ("externalEditor", "app.editor.external"),
    ("followUp", "app.message.followUp"),
    ("dequeue", "app.message.dequeue"),
    ("pasteImage", "app.clipboard.pasteImage"),
    ("newSession", "app.session.new"),
    ("tree", "app.session.tree"),
    ("fork", "app.session.fork"),
    ("resume", "app.session.resume"),
    ("treeFoldOrUp", "app.tree.foldOrUp"),
    ("treeUnfoldOrDown", "app.tree.unfoldOrDown"),
    ("treeEditLabel", "app.tree.editLabel"),
    ("treeToggleLabelTimestamp", "app.tree.toggleLabelTimestamp"),
    ("toggleSessionPath", "app.session.togglePath"),
    ("toggleSessionSort", "app.session.toggleSort"),
    ("renameSession", "app.session.rename"),
    ("deleteSession", "app.session.delete"),
];

/// The namespaced id for a legacy one.
fn successor(id: &str) -> Option<&'static str> {
    LEGACY_IDS
        .iter()
        .find(|(legacy, _)| *legacy == id)
        .map(|(_, current)| *current)
}

/// A `keybindings.json` object with legacy ids renamed (a legacy id whose successor is
/// also present is dropped), ordered as pi orders it: known actions in pi's order, then
/// other ids sorted. The flag says whether anything was renamed or dropped. Values are
/// kept as they are.
pub fn migrate_keybindings_config(raw: &Map<String, Value>) -> (Map<String, Value>, bool) {
    let mut migrated = false;
    let mut renamed = Map::new();
    for (id, value) in raw {
        let Some(current) = successor(id) else {
            renamed.insert(id.clone(), value.clone());
            continue;
        };
        migrated = true;
        if raw.contains_key(current) {
            continue;
        }
        renamed.insert(current.to_owned(), value.clone());
    }
    let mut ordered = Map::new();
    for id in ordered_ids() {
        if let Some(value) = renamed.remove(&id) {
            ordered.insert(id, value);
        }
    }
    let mut extras: Vec<(String, Value)> = renamed.into_iter().collect();
    // JavaScript sorts strings by UTF-16 code units.
    extras.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
    ordered.extend(extras);
    (ordered, migrated)
}

/// pi's startup migration: rewrites `<agent dir>/keybindings.json` with namespaced ids when
/// it uses legacy ones (as pretty-printed JSON, two-space indent, final newline). Files
/// that are missing, unreadable, not JSON or not an object are left alone. Returns whether
/// the file was rewritten.
pub fn migrate_keybindings_file(agent_dir: &Path) -> io::Result<bool> {
    let path = agent_dir.join("keybindings.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(false);
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let Ok(Value::Object(raw)) = serde_json::from_str::<Value>(text) else {
        return Ok(false);
    };
    let (config, migrated) = migrate_keybindings_config(&raw);
    if !migrated {
        return Ok(false);
    }
    let mut out = serde_json::to_string_pretty(&Value::Object(config)).map_err(io::Error::other)?;
    out.push('\n');
    write_atomic(&path, out.as_bytes())?;
    Ok(true)
}
