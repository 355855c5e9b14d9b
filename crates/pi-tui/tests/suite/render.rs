//! Terminal conformance: frames rendered through a terminal emulator (vt100), asserting on
//! what a user would see on screen and in scrollback.

use pi_tui::{Terminal, VirtualTerminal};

use pi_tui::shared;

use super::support::{Lines, numbered, show, tui_with_history};

const HISTORY: [&str; 3] = ["$ ls", "Cargo.toml  src", "$ pi"];

/// The user's history must never be erased or rewritten.
fn assert_history_kept(t: &mut VirtualTerminal) {
    let transcript = t.transcript();
    assert_eq!(
        &transcript[..3],
        HISTORY,
        "history before pi started is gone: {transcript:#?}"
    );
    assert_eq!(t.scrollback_erasures(), 0, "scrollback was erased");
    assert_eq!(t.screen_erasures(), 0, "screen was erased");
}

#[test]
fn first_render_starts_below_the_history() {
    let (mut tui, lines) = tui_with_history(30, 10, &HISTORY);
    show(&mut tui, &lines, vec!["hello".into(), "world".into()]);
    let t = tui.terminal_mut();
    assert_eq!(
        t.screen_lines(),
        ["$ ls", "Cargo.toml  src", "$ pi", "hello", "world"]
    );
    assert!(t.cursor_hidden());
    assert_eq!(tui.full_redraws(), 1);
}

#[test]
fn appended_lines_scroll_into_scrollback_once_each() {
    let (mut tui, lines) = tui_with_history(20, 8, &HISTORY);
    let mut content = Vec::new();
    for step in 0..12 {
        content.extend(numbered(&format!("s{step}-"), 3));
        show(&mut tui, &lines, content.clone());
    }
    let t = tui.terminal_mut();
    let transcript = t.transcript();
    let mut expected: Vec<String> = HISTORY.iter().map(|s| s.to_string()).collect();
    expected.extend(content.clone());
    assert_eq!(transcript, expected);
    assert_eq!(t.screen_lines(), content[content.len() - 8..]);
    assert_history_kept(t);
    assert_eq!(tui.full_redraws(), 1, "appends must not redraw everything");
}

#[test]
fn append_writes_only_the_new_lines() {
    let (mut tui, lines) = tui_with_history(40, 10, &HISTORY);
    let mut content = numbered("line ", 500);
    show(&mut tui, &lines, content.clone());
    content.push("the new one".into());
    let out = show(&mut tui, &lines, content.clone());
    assert!(out.contains("the new one"));
    assert_eq!(
        out.matches("\x1b[2K").count(),
        1,
        "only the new line is written: {out:?}"
    );
    assert!(out.len() < 100, "{} bytes for one appended line", out.len());
}

#[test]
fn edit_in_the_middle_rewrites_only_that_line() {
    let (mut tui, lines) = tui_with_history(30, 10, &HISTORY);
    let mut content = numbered("row ", 6);
    show(&mut tui, &lines, content.clone());
    content[2] = "row 2 edited".into();
    let out = show(&mut tui, &lines, content.clone());
    assert_eq!(out.matches("\x1b[2K").count(), 1);
    assert!(
        out.starts_with("\x1b[?2026h") && out.contains("\x1b[?2026l"),
        "synchronized: {out:?}"
    );
    assert!(
        !out.contains("row 3"),
        "unchanged lines are not rewritten: {out:?}"
    );
    let t = tui.terminal_mut();
    let mut expected: Vec<String> = HISTORY.iter().map(|s| s.to_string()).collect();
    expected.extend(content);
    assert_eq!(t.screen_lines(), expected);
    assert_history_kept(t);
}

#[test]
fn shrinking_clears_the_removed_lines() {
    let (mut tui, lines) = tui_with_history(30, 12, &HISTORY);
    show(&mut tui, &lines, numbered("row ", 6));
    show(&mut tui, &lines, numbered("row ", 3));
    let t = tui.terminal_mut();
    assert_eq!(
        t.screen_lines(),
        ["$ ls", "Cargo.toml  src", "$ pi", "row 0", "row 1", "row 2"]
    );
    // Growing again reuses the cleared rows.
    show(&mut tui, &lines, numbered("row ", 5));
    let t = tui.terminal_mut();
    assert_eq!(t.screen_lines()[3..], numbered("row ", 5));
    assert_history_kept(t);
    assert_eq!(tui.full_redraws(), 1);
}

#[test]
fn shrinking_to_nothing_leaves_no_trace() {
    let (mut tui, lines) = tui_with_history(30, 12, &HISTORY);
    show(&mut tui, &lines, numbered("row ", 4));
    show(&mut tui, &lines, vec![]);
    assert_eq!(tui.terminal().screen_lines(), HISTORY);
}

#[test]
fn change_above_the_viewport_keeps_scrollback_and_updates_the_screen() {
    let (mut tui, lines) = tui_with_history(30, 8, &HISTORY);
    let mut content = numbered("row ", 40);
    show(&mut tui, &lines, content.clone());
    // A line long gone into scrollback changes (a tool output above collapses), and so
    // does one on screen.
    content[5] = "row 5 changed".into();
    content[38] = "row 38 changed".into();
    let out = show(&mut tui, &lines, content.clone());
    assert!(
        !out.contains("row 5 changed"),
        "scrollback is not rewritten"
    );
    let t = tui.terminal_mut();
    assert_eq!(t.screen_lines(), content[32..]);
    let transcript = t.transcript();
    assert!(
        transcript.contains(&"row 5".to_string()),
        "scrollback keeps what it showed"
    );
    assert_history_kept(t);
    assert_eq!(
        tui.full_redraws(),
        1,
        "no full redraw for a change in scrollback"
    );
    assert_eq!(tui.stats().scrollback_changes, 1);
}

#[test]
fn content_shrinking_above_the_screen_shows_its_end_again() {
    let (mut tui, lines) = tui_with_history(30, 6, &HISTORY);
    show(&mut tui, &lines, numbered("row ", 30));
    show(&mut tui, &lines, numbered("row ", 10));
    let t = tui.terminal_mut();
    assert_eq!(t.screen_lines(), numbered("row ", 10)[4..]);
    assert_history_kept(t);
    assert_eq!(tui.full_redraws(), 2);
}

#[test]
fn resize_redraws_the_screen_without_touching_history() {
    let (mut tui, lines) = tui_with_history(30, 8, &HISTORY);
    let content = numbered("row ", 20);
    show(&mut tui, &lines, content.clone());
    tui.terminal_mut().resize(24, 8);
    show(&mut tui, &lines, content.clone());
    assert_eq!(tui.full_redraws(), 2);
    tui.terminal_mut().resize(24, 12);
    let wider: Vec<String> = content.iter().map(|l| format!("{l} wide")).collect();
    show(&mut tui, &lines, wider.clone());
    assert_eq!(tui.full_redraws(), 3);
    let t = tui.terminal_mut();
    let screen = t.screen_lines();
    assert_eq!(
        screen.last(),
        wider.last(),
        "the newest line is at the bottom: {screen:#?}"
    );
    for line in &screen {
        assert!(
            line.starts_with("row ") || HISTORY.contains(&line.as_str()),
            "{line:?}"
        );
    }
    // Rows that had scrolled away keep their old form; nothing is lost or repeated.
    let mut expected: Vec<String> = HISTORY.iter().map(|s| s.to_string()).collect();
    expected.extend(content[..12].iter().cloned());
    expected.extend(wider[12..].iter().cloned());
    assert_eq!(t.transcript(), expected);
    assert_history_kept(t);
}

#[test]
fn shrinking_the_height_keeps_the_bottom_visible() {
    let (mut tui, lines) = tui_with_history(30, 10, &HISTORY);
    let content = numbered("row ", 5);
    show(&mut tui, &lines, content.clone());
    tui.terminal_mut().resize(30, 4);
    show(&mut tui, &lines, content.clone());
    let t = tui.terminal_mut();
    assert_eq!(t.screen_lines().last().map(String::as_str), Some("row 4"));
    // Later frames still diff correctly.
    let mut more = content.clone();
    more.push("row 5".into());
    show(&mut tui, &lines, more);
    assert_eq!(
        tui.terminal().screen_lines().last().map(String::as_str),
        Some("row 5")
    );
    assert_eq!(tui.terminal().scrollback_erasures(), 0);
}

#[test]
fn wide_characters_and_emoji_at_the_right_edge_never_wrap() {
    let (mut tui, lines) = tui_with_history(10, 6, &[]);
    let content = vec![
        "12345678日本".to_string(), // 12 columns: cut before the straddling ideograph
        "123456789😀".to_string(),  // emoji straddles the edge
        "1234567890".to_string(),   // exactly the width
        "next".to_string(),
    ];
    show(&mut tui, &lines, content);
    let t = tui.terminal();
    assert_eq!(
        t.screen_lines(),
        ["12345678日", "123456789", "1234567890", "next"]
    );
    let screen = t.screen().unwrap();
    for row in 0..4 {
        assert!(!screen.row_wrapped(row), "row {row} wrapped");
    }
    assert_eq!(tui.stats().lines_cut, 2);
}

#[test]
fn spinner_tick_rewrites_only_its_line() {
    let (mut tui, lines) = tui_with_history(40, 10, &HISTORY);
    let mut content = numbered("message ", 200);
    content.push("⠋ Working...".into());
    content.push("> editor".into());
    show(&mut tui, &lines, content.clone());
    for frame in ["⠙", "⠹", "⠸"] {
        content[200] = format!("{frame} Working...");
        let out = show(&mut tui, &lines, content.clone());
        assert_eq!(out.matches("\x1b[2K").count(), 1, "{out:?}");
        assert!(!out.contains("message"), "the transcript is not rewritten");
        assert!(out.len() < 80, "{} bytes for a spinner frame", out.len());
    }
    assert_eq!(
        tui.terminal().screen_lines().last().map(String::as_str),
        Some("> editor")
    );
    assert_eq!(tui.terminal().screen_lines()[8], "⠸ Working...");
}

#[test]
fn styles_do_not_leak_between_lines() {
    let (mut tui, lines) = tui_with_history(20, 5, &[]);
    show(
        &mut tui,
        &lines,
        vec!["\x1b[31mred never closed".into(), "plain".into()],
    );
    let screen = tui.terminal().screen().unwrap().clone();
    assert_eq!(screen.cell(0, 0).unwrap().fgcolor(), vt100::Color::Idx(1));
    assert_eq!(screen.cell(1, 0).unwrap().fgcolor(), vt100::Color::Default);
}

#[test]
fn cursor_marker_places_the_hardware_cursor() {
    let (mut tui, lines) = tui_with_history(20, 5, &[]);
    tui.set_show_hardware_cursor(true);
    show(
        &mut tui,
        &lines,
        vec![
            "one".into(),
            format!("ab{}cd", pi_tui::CURSOR_MARKER),
            "three".into(),
        ],
    );
    let t = tui.terminal();
    assert_eq!(t.cursor(), (1, 2));
    assert!(!t.cursor_hidden());
    assert_eq!(t.screen_lines(), ["one", "abcd", "three"]);
    // The next diff starts from where the cursor really is.
    show(
        &mut tui,
        &lines,
        vec!["one".into(), "abcd".into(), "three".into(), "four".into()],
    );
    assert_eq!(
        tui.terminal().screen_lines(),
        ["one", "abcd", "three", "four"]
    );
}

#[test]
fn history_is_still_there_after_a_long_session() {
    let (mut tui, lines) = tui_with_history(30, 8, &HISTORY);
    let mut content = Vec::new();
    for i in 0..60 {
        content.push(format!("message {i}"));
        if i % 10 == 3 {
            content[i / 2] = format!("message {} edited", i / 2);
        }
        if i % 20 == 7 {
            let (c, r) = (tui.terminal().size().columns, tui.terminal().size().rows);
            tui.terminal_mut().resize(c + 2, r + 1);
        }
        show(&mut tui, &lines, content.clone());
    }
    tui.stop().unwrap();
    let t = tui.terminal_mut();
    assert_history_kept(t);
    let transcript = t.transcript();
    assert!(transcript.iter().any(|l| l == "message 59"));
    assert!(!t.is_started());
}

#[test]
fn stop_leaves_the_cursor_below_the_content() {
    let (mut tui, lines) = tui_with_history(20, 10, &[]);
    show(&mut tui, &lines, vec!["a".into(), "b".into()]);
    tui.stop().unwrap();
    let t = tui.terminal_mut();
    assert_eq!(t.cursor(), (2, 0));
    assert!(!t.cursor_hidden());
    t.feed("$ next prompt");
    assert_eq!(t.screen_lines(), ["a", "b", "$ next prompt"]);
}

#[test]
fn unused_lines_component_is_a_component() {
    // Keeps the helper honest: an empty component renders nothing.
    let mut l = Lines::default();
    assert!(pi_tui::Component::render(&mut l, 10).is_empty());
}

#[test]
fn invisible_padding_is_not_sent_but_painted_blanks_are() {
    let (mut tui, lines) = tui_with_history(30, 5, &[]);
    let out = show(
        &mut tui,
        &lines,
        vec![
            "padded      ".into(),
            "\x1b[44mblue bar    \x1b[49m".into(),
            "x \x1b[1m  \x1b[22m".into(),
        ],
    );
    assert!(
        !out.contains("padded "),
        "trailing spaces are not written: {out:?}"
    );
    assert!(
        out.contains("\x1b[44mblue bar    \x1b[49m"),
        "painted spaces stay: {out:?}"
    );
    assert!(out.contains("x\x1b[1m\x1b[22m"), "{out:?}");
    let screen = tui.terminal().screen().unwrap().clone();
    assert_eq!(screen.cell(1, 11).unwrap().bgcolor(), vt100::Color::Idx(4));
    assert_eq!(tui.terminal().screen_lines(), ["padded", "blue bar", "x"]);
}

#[test]
fn termination_gives_the_terminal_back() {
    let (mut tui, lines) = tui_with_history(20, 10, &[]);
    show(&mut tui, &lines, vec!["working".into()]);
    tui.terminal_mut().send_terminate();
    let event = tui.poll(std::time::Duration::ZERO).unwrap();
    assert_eq!(event, Some(pi_tui::TerminalEvent::Terminate));
    assert!(!tui.is_started());
    let t = tui.terminal();
    assert!(!t.is_started(), "terminal restored");
    assert!(!t.cursor_hidden());
    assert_eq!(t.cursor(), (1, 0), "cursor below the content");
}

#[test]
fn kitty_shift_enter_mappings_reach_components_as_shift_enter() {
    use pi_tui::components::Editor;
    let mut terminal = pi_tui::VirtualTerminal::new(30, 8);
    terminal.set_keyboard_protocol(pi_tui::KeyboardProtocol::Kitty);
    let mut tui = pi_tui::Tui::new(terminal);
    let editor = pi_tui::shared(Editor::default());
    tui.add_child(editor.clone());
    tui.set_focus(Some(editor.clone()));
    tui.start().unwrap();
    for data in ["a", "\x1b\r", "b", "\n", "c"] {
        tui.handle_input(data);
    }
    assert_eq!(editor.borrow().text(), "a\nb\nc");
    // A key release is dropped unless the component asks for releases.
    tui.handle_input("\x1b[100;1:3u");
    assert_eq!(editor.borrow().text(), "a\nb\nc");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn line() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[a-z ]{0,30}",
            Just("日本語".to_owned()),
            Just("😀".to_owned()),
            Just("🇺🇸".to_owned()),
            Just("\t".to_owned()),
            Just("\x1b[31m".to_owned()),
            Just("\x1b[44m".to_owned()),
            Just("\x1b[0m".to_owned()),
            Just("e\u{301}".to_owned()),
        ];
        prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn frames_never_wrap_and_the_bottom_is_always_right(
            frames in prop::collection::vec(prop::collection::vec(line(), 0..30), 1..6),
            sizes in prop::collection::vec((5u16..40, 3u16..12), 1..6),
        ) {
            let (mut tui, lines) = tui_with_history(sizes[0].0, sizes[0].1, &["$ pi"]);
            for (i, frame) in frames.iter().enumerate() {
                let (c, r) = sizes[i % sizes.len()];
                if tui.terminal().size().columns != c || tui.terminal().size().rows != r {
                    tui.terminal_mut().resize(c, r);
                }
                show(&mut tui, &lines, frame.clone());
                let t = tui.terminal();
                let screen = t.screen().unwrap();
                for row in 0..r {
                    prop_assert!(!screen.row_wrapped(row), "row {row} wrapped");
                }
                // The last content line is on the last used row, as the user expects.
                if let Some(last) = frame.last() {
                    let expected = pi_tui::strip_ansi(&pi_tui::truncate_to_width(
                        &last.replace('\t', "   "), usize::from(c), "", false,
                    ));
                    let got = t.screen_lines().last().cloned().unwrap_or_default();
                    if !expected.trim().is_empty() {
                        prop_assert_eq!(got.trim_end(), expected.trim_end());
                    }
                }
            }
            prop_assert_eq!(tui.terminal().scrollback_erasures(), 0);
            let transcript = tui.terminal_mut().transcript();
            prop_assert_eq!(transcript.first().map(String::as_str), Some("$ pi"));
        }
    }
}

#[test]
fn cell_size_reply_is_consumed() {
    let (mut tui, lines) = tui_with_history(20, 5, &[]);
    let editor_keys = shared(pi_tui::components::Input::new());
    tui.set_focus(Some(editor_keys.clone()));
    show(&mut tui, &lines, vec!["x".into()]);
    tui.query_cell_size().unwrap();
    assert!(tui.terminal_mut().take_output().ends_with("\x1b[16t"));
    tui.handle_input("\x1b[6;20;10t");
    assert_eq!(tui.cell_size(), Some((10, 20)));
    assert_eq!(editor_keys.borrow().value(), "", "the reply is not typed");
}

#[test]
fn a_restart_draws_rebuilt_content_whole_where_the_screen_was() {
    let (mut tui, lines) = tui_with_history(30, 8, &HISTORY);
    show(&mut tui, &lines, numbered("old ", 40));
    // The content is rebuilt from scratch, shorter, differing from its first line on.
    tui.request_restart();
    let rebuilt = numbered("new ", 12);
    show(&mut tui, &lines, rebuilt.clone());
    let t = tui.terminal_mut();
    assert_eq!(t.screen_lines(), rebuilt[4..], "the end of the new content");
    let transcript = t.transcript();
    let first_new = transcript.iter().position(|l| l == "new 0").unwrap();
    assert_eq!(transcript[first_new..], rebuilt[..], "all of it, in order");
    assert!(
        transcript.contains(&"old 10".to_string()),
        "what had scrolled away stays in scrollback"
    );
    assert_history_kept(t);
    assert_eq!(tui.full_redraws(), 2);
}

#[test]
fn committed_lines_leave_the_frames_and_the_screen_stays_right() {
    let (mut tui, lines) = tui_with_history(30, 8, &HISTORY);
    let content = numbered("row ", 40);
    show(&mut tui, &lines, content.clone());
    assert_eq!(tui.committable_lines(), 32);
    // The application drops the first 30 rows from its content and says so.
    assert_eq!(tui.commit_lines(30), 30);
    let mut rest = content[30..].to_vec();
    let out = show(&mut tui, &lines, rest.clone());
    assert!(!out.contains("row"), "nothing is redrawn: {out:?}");
    // Typing at the bottom rewrites one row, as before the commit.
    rest[9] = "row 39 typed".into();
    let out = show(&mut tui, &lines, rest.clone());
    assert!(
        out.contains("row 39 typed") && !out.contains("row 38"),
        "{out:?}"
    );
    rest.push("row 40".into());
    show(&mut tui, &lines, rest.clone());
    let t = tui.terminal_mut();
    assert_eq!(t.screen_lines(), rest[3..]);
    let transcript = t.transcript();
    assert_eq!(
        transcript[3..33],
        content[..30],
        "committed rows stay in history"
    );
    assert_history_kept(t);
    // Rows on screen are never committed.
    assert_eq!(tui.commit_lines(100), 3);
}
