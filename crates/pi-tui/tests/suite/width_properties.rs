//! Properties of the width functions over arbitrary styled text.

use pi_tui::{grapheme_width, truncate_to_width, visible_width, wrap_text_with_ansi};
use proptest::prelude::*;
use unicode_segmentation::UnicodeSegmentation;

/// Styled text drawn from the pieces that make width hard.
fn styled_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z]{1,12}",
        Just(" ".to_owned()),
        Just("  ".to_owned()),
        Just("\t".to_owned()),
        Just("日本語".to_owned()),
        Just("한".to_owned()),
        Just("😀".to_owned()),
        Just("👍🏽".to_owned()),
        Just("👨‍👩‍👧".to_owned()),
        Just("🇺🇸".to_owned()),
        Just("🇺".to_owned()),
        Just("e\u{301}".to_owned()),
        Just("ｆｕ".to_owned()),
        Just("\x1b[31m".to_owned()),
        Just("\x1b[1;4m".to_owned()),
        Just("\x1b[0m".to_owned()),
        Just("\x1b[48;5;17m".to_owned()),
        Just("\x1b]8;;https://pi.dev\x07".to_owned()),
        Just("\x1b]8;;\x07".to_owned()),
        Just("\x1b_pi:c\x07".to_owned()),
        Just("\n".to_owned()),
        ".{0,3}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

/// Graphemes of the visible text, as a terminal receives them (escape sequences separate
/// clusters), with whitespace and zero-width clusters left out since wrapping may drop them.
fn visible_graphemes(s: &str) -> Vec<String> {
    let mut runs = Vec::new();
    let mut run = String::new();
    let mut i = 0;
    while i < s.len() {
        if let Some(len) = pi_tui::escape_len(s, i) {
            runs.push(std::mem::take(&mut run));
            i += len;
            continue;
        }
        let c = s[i..].chars().next().unwrap();
        run.push(c);
        i += c.len_utf8();
    }
    runs.push(run);
    runs.iter()
        .flat_map(|r| r.graphemes(true).map(str::to_owned).collect::<Vec<_>>())
        .filter(|g| !g.chars().all(char::is_whitespace))
        .filter(|g| grapheme_width(g) > 0)
        .collect()
}

proptest! {
    #[test]
    fn wrapped_lines_fit_and_keep_every_grapheme(text in styled_text(), width in 2usize..40) {
        let lines = wrap_text_with_ansi(&text, width);
        for line in &lines {
            prop_assert!(visible_width(line) <= width, "{line:?} wider than {width}");
        }
        // Nothing is lost or split: the visible graphemes come out whole and in order.
        let joined: Vec<String> = lines.iter().flat_map(|l| visible_graphemes(l)).collect();
        prop_assert_eq!(joined, visible_graphemes(&text));
    }

    #[test]
    fn wrapping_at_one_column_never_overflows(text in styled_text()) {
        for line in wrap_text_with_ansi(&text, 1) {
            prop_assert!(visible_width(&line) <= 1);
        }
    }

    #[test]
    fn truncated_text_fits_and_is_a_whole_grapheme_prefix(
        text in styled_text(),
        width in 0usize..40,
        pad in any::<bool>(),
    ) {
        let ellipsis = "…";
        let out = truncate_to_width(&text, width, ellipsis, pad);
        prop_assert!(visible_width(&out) <= width, "{out:?} wider than {width}");
        if pad && width > 0 {
            prop_assert_eq!(visible_width(&out), width.max(visible_width(&out)));
        }
        // What is kept is a prefix of the text, cut between whole graphemes.
        let mut kept = visible_graphemes(&out);
        if kept.last().map(String::as_str) == Some(ellipsis) {
            kept.pop();
        }
        let source = visible_graphemes(&text);
        prop_assert!(kept.len() <= source.len(), "{out:?} from {text:?}");
        prop_assert_eq!(&kept[..], &source[..kept.len()], "{:?} from {:?}", out, text);
    }

    #[test]
    fn width_functions_never_panic(s in any::<String>(), width in 0usize..100) {
        let _ = visible_width(&s);
        let _ = truncate_to_width(&s, width, "...", true);
        let _ = wrap_text_with_ansi(&s, width);
        let _ = pi_tui::slice_by_column(&s, width / 2, width, true);
        let _ = pi_tui::extract_segments(&s, width / 3, width / 2, width, true);
    }
}
