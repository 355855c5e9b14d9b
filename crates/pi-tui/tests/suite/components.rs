//! Components: snapshots of what they draw, and their behaviour on keys.

use std::cell::RefCell;
use std::rc::Rc;

use pi_tui::components::{
    Box, CancellableLoader, Input, Loader, SelectItem, SelectList, SelectListTheme, SettingItem,
    SettingsList, SettingsListTheme, Spacer, Text, TruncatedText,
};
use pi_tui::{Component, shared, style, visible_width};

/// Lines joined, with ESC shown as ␛ so snapshots are readable.
pub fn snap(lines: &[String]) -> String {
    lines.join("\n").replace('\x1b', "␛")
}

fn assert_fits(lines: &[String], width: usize) {
    for line in lines {
        assert!(visible_width(line) <= width, "{line:?} wider than {width}");
    }
}

#[test]
fn text_wraps_with_padding() {
    let mut t = Text::with_padding("The quick brown fox jumps over the lazy dog", 1, 1);
    let lines = t.render(20);
    assert_fits(&lines, 20);
    insta::assert_snapshot!(snap(&lines));
}

#[test]
fn text_with_background_fills_every_row() {
    let mut t = Text::with_padding("hi", 1, 1).with_background(style::bg(17));
    let lines = t.render(8);
    assert_eq!(lines.len(), 3);
    insta::assert_snapshot!(snap(&lines));
}

#[test]
fn blank_text_renders_nothing() {
    assert!(Text::new("   ").render(10).is_empty());
}

#[test]
fn truncated_text_shows_only_the_first_line() {
    let mut t = TruncatedText::with_padding("a long first line here\nsecond", 1, 0);
    let lines = t.render(12);
    assert_eq!(lines, [" a long \x1b[0m...\x1b[0m "]);
}

#[test]
fn box_pads_its_children() {
    let mut b = Box::new(2, 1);
    b.add_child(shared(Text::new("inside the box")));
    b.add_child(shared(Spacer::new(1)));
    b.add_child(shared(Text::new("second")));
    let lines = b.render(16);
    assert_fits(&lines, 16);
    insta::assert_snapshot!(snap(&lines));
}

#[test]
fn loader_steps_through_frames() {
    let mut l = Loader::plain("Working...");
    assert_eq!(l.render(20), ["", " ⠋ Working...       "]);
    l.advance();
    assert_eq!(l.render(20)[1], " ⠙ Working...       ");
    let start = std::time::Instant::now();
    assert!(!l.tick(start));
    assert!(l.tick(start + std::time::Duration::from_millis(170)));
    assert_eq!(l.render(20)[1], " ⠸ Working...       ");
}

#[test]
fn cancellable_loader_aborts_on_escape() {
    let aborted = Rc::new(RefCell::new(0));
    let mut l = CancellableLoader::new(Loader::plain("Thinking"));
    let a = aborted.clone();
    l.on_abort(move || *a.borrow_mut() += 1);
    l.handle_input("x");
    assert!(!l.is_aborted());
    l.handle_input("\x1b");
    l.handle_input("\x1b");
    assert!(l.is_aborted());
    assert_eq!(*aborted.borrow(), 1);
}

fn items(n: usize) -> Vec<SelectItem> {
    (0..n)
        .map(|i| SelectItem::new(format!("item{i}")).with_description(format!("Description {i}")))
        .collect()
}

fn arrow_theme() -> SelectListTheme {
    SelectListTheme {
        selected_text: style::sgr("\x1b[1m", "\x1b[22m"),
        ..SelectListTheme::default()
    }
}

#[test]
fn select_list_renders_descriptions_and_scroll_info() {
    let mut list = SelectList::new(items(10), 5, arrow_theme());
    let lines = list.render(60);
    assert_fits(&lines, 60);
    insta::assert_snapshot!(snap(&lines));
}

#[test]
fn select_list_wraps_around_and_centres_the_window() {
    let mut list = SelectList::new(items(10), 5, SelectListTheme::default());
    list.handle_input("\x1b[A"); // up from the first wraps to the last
    assert_eq!(list.selected_index(), 9);
    let lines = list.render(30);
    assert_eq!(lines.first().map(String::as_str), Some("  item5"));
    assert_eq!(lines.last().map(String::as_str), Some("  (10/10)"));
    list.handle_input("\x1b[B");
    assert_eq!(list.selected_index(), 0);
    for _ in 0..4 {
        list.handle_input("\x1b[B");
    }
    let lines = list.render(30);
    assert_eq!(lines[0], "  item2", "selection in the middle of the window");
    assert_eq!(lines[2], "→ item4");
}

#[test]
fn select_list_filters_by_prefix_and_confirms() {
    let chosen = Rc::new(RefCell::new(Vec::new()));
    let mut list = SelectList::new(
        vec![
            SelectItem::new("model"),
            SelectItem::new("mode"),
            SelectItem::new("exit"),
        ],
        5,
        SelectListTheme::default(),
    );
    let c = chosen.clone();
    list.on_select(move |item| c.borrow_mut().push(item.value.clone()));
    list.set_filter("MOD");
    assert_eq!(list.len(), 2);
    list.handle_input("\x1b[B");
    list.handle_input("\r");
    assert_eq!(*chosen.borrow(), ["mode"]);
    list.set_filter("zzz");
    assert_eq!(list.render(30), ["  No matching commands"]);
}

#[test]
fn select_list_cancel() {
    let cancelled = Rc::new(RefCell::new(false));
    let mut list = SelectList::new(items(2), 5, SelectListTheme::default());
    let c = cancelled.clone();
    list.on_cancel(move || *c.borrow_mut() = true);
    list.handle_input("\x03");
    assert!(*cancelled.borrow());
}

#[test]
fn select_list_narrow_width_drops_descriptions() {
    let mut list = SelectList::new(items(3), 5, SelectListTheme::default());
    let lines = list.render(20);
    assert_eq!(lines, ["→ item0", "  item1", "  item2"]);
}

#[test]
fn settings_list_cycles_values_and_reports_changes() {
    let changes = Rc::new(RefCell::new(Vec::new()));
    let mut list = SettingsList::new(
        vec![
            SettingItem::cycle("theme", "Theme", "dark", &["dark", "light"])
                .with_description("Colours of the interface"),
            SettingItem::cycle("thinking", "Thinking level", "off", &["off", "low", "high"]),
        ],
        5,
        SettingsListTheme::default(),
    );
    let c = changes.clone();
    list.on_change(move |id, value| c.borrow_mut().push(format!("{id}={value}")));
    let lines = list.render(50);
    assert_fits(&lines, 50);
    insta::assert_snapshot!(snap(&lines));
    list.handle_input("\r");
    list.handle_input("\x1b[B");
    list.handle_input(" ");
    list.handle_input(" ");
    assert_eq!(
        *changes.borrow(),
        ["theme=light", "thinking=low", "thinking=high"]
    );
    assert_eq!(list.items()[1].current_value, "high");
}

#[test]
fn settings_list_search_filters_fuzzily() {
    let mut list = SettingsList::new(
        vec![
            SettingItem::cycle("a", "Auto compaction", "on", &["on", "off"]),
            SettingItem::cycle("b", "Show images", "on", &["on", "off"]),
            SettingItem::cycle("c", "Quiet startup", "off", &["on", "off"]),
        ],
        5,
        SettingsListTheme::default(),
    )
    .with_search();
    for c in ["i", "m", "g"] {
        list.handle_input(c);
    }
    let lines = list.render(40);
    assert!(lines.iter().any(|l| l.contains("Show images")));
    assert!(!lines.iter().any(|l| l.contains("Auto compaction")));
}

#[test]
fn input_edits_and_submits() {
    let submitted = Rc::new(RefCell::new(String::new()));
    let mut input = Input::new();
    let s = submitted.clone();
    input.on_submit(move |v| *s.borrow_mut() = v.to_owned());
    for c in ["h", "e", "l", "l", "o", " ", "w", "o", "r", "l", "d"] {
        input.handle_input(c);
    }
    input.handle_input("\x17"); // ctrl+w kills "world"
    assert_eq!(input.value(), "hello ");
    input.handle_input("\x01"); // ctrl+a
    input.handle_input("\x19"); // ctrl+y yanks it at the start
    assert_eq!(input.value(), "worldhello ");
    input.handle_input("\x1f"); // undo
    assert_eq!(input.value(), "hello ");
    input.handle_input("\x1b[200~pasted\r\ntext\x1b[201~");
    assert_eq!(input.value(), "pastedtexthello ");
    input.handle_input("\r");
    assert_eq!(*submitted.borrow(), "pastedtexthello ");
}

#[test]
fn input_scrolls_to_keep_the_cursor_visible() {
    let mut input = Input::new();
    input.set_focused(true);
    input.handle_input("\x1b[200~0123456789abcdefghij\x1b[201~");
    let line = &input.render(12)[0];
    assert_eq!(visible_width(line), 12);
    assert!(line.contains("j"), "{line:?}");
    assert!(line.contains(pi_tui::CURSOR_MARKER));
    input.handle_input("\x01");
    let line = &input.render(12)[0];
    assert!(line.starts_with("> "), "{line:?}");
    assert!(line.contains("\x1b[7m0\x1b[27m"), "{line:?}");
}

#[test]
fn input_wide_characters_move_by_grapheme() {
    let mut input = Input::new();
    input.handle_input("日");
    input.handle_input("👍🏽");
    input.handle_input("\x7f");
    assert_eq!(input.value(), "日");
    input.handle_input("\x1b[D");
    assert_eq!(input.cursor(), 0);
}

/// A submenu that picks the value typed into it on Enter, or cancels on Escape.
struct TypedValue {
    input: Input,
    done: Option<pi_tui::components::SubmenuOutcome>,
}

impl Component for TypedValue {
    fn render(&mut self, width: usize) -> Vec<String> {
        self.input.render(width)
    }

    fn handle_input(&mut self, data: &str) {
        use pi_tui::components::SubmenuOutcome;
        match data {
            "\r" => self.done = Some(SubmenuOutcome::Selected(self.input.value().to_owned())),
            "\x1b" => self.done = Some(SubmenuOutcome::Cancelled),
            _ => self.input.handle_input(data),
        }
    }
}

impl pi_tui::components::SettingsSubmenu for TypedValue {
    fn outcome(&mut self) -> Option<pi_tui::components::SubmenuOutcome> {
        self.done.take()
    }
}

#[test]
fn settings_list_submenu_picks_a_value() {
    let changes = Rc::new(RefCell::new(Vec::new()));
    let mut item = SettingItem::cycle("name", "Session name", "untitled", &[]);
    item.submenu = Some(Rc::new(|current: &str| {
        let mut input = Input::new();
        input.set_value(current);
        std::boxed::Box::new(TypedValue { input, done: None })
            as std::boxed::Box<dyn pi_tui::components::SettingsSubmenu>
    }));
    let mut list = SettingsList::new(vec![item], 5, SettingsListTheme::default());
    let c = changes.clone();
    list.on_change(move |id, value| c.borrow_mut().push(format!("{id}={value}")));
    list.handle_input("\r");
    assert!(
        pi_tui::strip_ansi(&list.render(30)[0]).starts_with("> untitled"),
        "the submenu replaces the list"
    );
    list.handle_input("\x1b");
    assert!(changes.borrow().is_empty());
    list.handle_input("\r");
    list.handle_input("\x05"); // ctrl+e, then ctrl+u clears the field
    list.handle_input("\x15");
    for c in ["d", "e", "m", "o"] {
        list.handle_input(c);
    }
    list.handle_input("\r");
    assert_eq!(*changes.borrow(), ["name=demo"]);
    assert!(list.render(30)[0].contains("Session name  demo"));
}

#[test]
fn editor_snapshot_with_scroll_indicators() {
    use pi_tui::components::Editor;
    let mut editor = Editor::default();
    editor.set_terminal_rows(10);
    editor.set_focused(true);
    let text: String = (1..=9)
        .map(|i| format!("line {i} of a prompt that wraps at thirty\n"))
        .collect();
    editor.handle_input(&format!("\x1b[200~{}\x1b[201~", "short"));
    editor.set_text(text.trim_end());
    for _ in 0..6 {
        editor.handle_input("\x1b[A");
    }
    let lines = editor.render(30);
    assert_fits(&lines, 30);
    insta::assert_snapshot!(snap(&lines));
}

#[test]
fn input_and_loader_snapshot() {
    let mut input = Input::new().with_placeholder("Search settings", pi_tui::style::dim());
    input.set_focused(true);
    let mut lines = input.render(24);
    let mut loader = Loader::new(
        "Compacting session...",
        pi_tui::style::fg(6),
        pi_tui::style::dim(),
    );
    loader.advance();
    lines.extend(loader.render(30));
    insta::assert_snapshot!(snap(&lines));
}
