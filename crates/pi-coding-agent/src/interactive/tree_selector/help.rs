//! The key help under the tree's title: each action's first key, compacted as pi writes
//! them (`ctrl+d/t/u/l/a`, arrows as symbols), packed into lines of the given width.

use pi_tui::{action, visible_width, wrap_text_with_ansi};

use crate::interactive::keybindings::AppKeybindings;
use crate::interactive::theme::{Theme, ThemeColor};

/// The help lines, muted.
pub(super) fn render_help(theme: &Theme, keys: &AppKeybindings, width: usize) -> Vec<String> {
    let help: [(&[&str], &str, bool); 8] = [
        (&[action::SELECT_UP, action::SELECT_DOWN], "move", false),
        (
            &[action::EDITOR_CURSOR_LEFT, action::EDITOR_CURSOR_RIGHT],
            "page",
            false,
        ),
        (
            &["app.tree.foldOrUp", "app.tree.unfoldOrDown"],
            "branch",
            false,
        ),
        (&["app.message.copy"], "copy", false),
        (&["app.tree.editLabel"], "label", false),
        (&["app.tree.toggleLabelTimestamp"], "label time", false),
        (
            &[
                "app.tree.filter.default",
                "app.tree.filter.noTools",
                "app.tree.filter.userOnly",
                "app.tree.filter.labeledOnly",
                "app.tree.filter.all",
            ],
            "filters",
            true,
        ),
        (
            &[
                "app.tree.filter.cycleForward",
                "app.tree.filter.cycleBackward",
            ],
            "cycle",
            true,
        ),
    ];
    let width = width.max(1);
    let indented = |item: &str| {
        let with_indent = format!("  {item}");
        if visible_width(&with_indent) <= width {
            with_indent
        } else {
            item.to_owned()
        }
    };
    let mut lines = Vec::new();
    let mut current = String::new();
    for (actions, label, label_first) in help {
        let keys = help_keys(keys, actions);
        let item = match (keys.is_empty(), label_first) {
            (true, _) => label.to_owned(),
            (false, true) => format!("{label} {keys}"),
            (false, false) => format!("{keys} {label}"),
        };
        if current.is_empty() {
            current = indented(&item);
            continue;
        }
        let candidate = format!("{current} · {item}");
        if visible_width(&candidate) <= width {
            current = candidate;
            continue;
        }
        lines.extend(wrap_text_with_ansi(current.trim_end(), width));
        current = indented(&item);
    }
    if !current.is_empty() {
        lines.extend(wrap_text_with_ansi(current.trim_end(), width));
    }
    lines
        .iter()
        .map(|line| theme.fg(ThemeColor::Muted, line))
        .collect()
}

/// The first key of each action, shortened as pi's tree help writes them: a shared modifier
/// once (`ctrl+d/t/u/l/a`), arrows as symbols.
fn help_keys(keys: &AppKeybindings, actions: &[&str]) -> String {
    let first: Vec<&str> = actions
        .iter()
        .filter_map(|a| keys.tui().keys(a).first().map(String::as_str))
        .collect();
    let compact = match first.as_slice() {
        [] => return String::new(),
        [one] => (*one).to_owned(),
        many => {
            let split = |k: &str| k.rfind('+').map_or(0, |at| at + 1);
            let prefix = &many[0][..split(many[0])];
            if !prefix.is_empty() && many.iter().all(|k| &k[..split(k)] == prefix) {
                let suffixes: Vec<&str> = many.iter().map(|k| &k[split(k)..]).collect();
                format!("{prefix}{}", suffixes.join("/"))
            } else {
                many.join("/")
            }
        }
    };
    replace_words(&compact)
}

/// Replaces the key names `pageUp`, `pageDown`, `up`, `down`, `left`, `right` where they
/// stand as whole words.
fn replace_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(match word.as_str() {
            "pageUp" => "pgup",
            "pageDown" => "pgdn",
            "up" => "↑",
            "down" => "↓",
            "left" => "←",
            "right" => "→",
            other => other,
        });
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}
