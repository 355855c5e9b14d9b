//! Properties: the edit matcher never panics and an applied edit changes only the matched
//! lines; truncation and streamed decoding never split a UTF-8 character.

use pi_coding_agent::tools::{
    Edit, Limits, OutputAccumulator, Utf8Stream, apply_edits, normalize_for_fuzzy_match,
    truncate_head, truncate_line, truncate_tail,
};
use proptest::prelude::*;

/// Characters the fuzzy matcher treats specially, mixed with ordinary and wide ones.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('a', 'e'),
        1 => Just(' '),
        1 => Just('\n'),
        1 => Just('\r'),
        1 => Just('\t'),
        1 => prop::sample::select(vec![
            '\u{00A0}', '\u{2002}', '\u{3000}', '\u{FEFF}', '\u{0085}', '\u{2018}', '\u{2019}', '\u{201C}',
            '\u{201D}', '\u{2013}', '\u{2014}', '\u{2212}', 'Ａ', '１', '（', 'é', 'e', '\u{301}', 'ﬁ', '😀', '你',
        ]),
    ]
}

fn tricky_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..max).prop_map(|chars| chars.into_iter().collect())
}

fn lines(max_lines: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        tricky_text(12).prop_map(|line| line.replace(['\n', '\r'], "") + "\n"),
        0..max_lines,
    )
    .prop_map(|lines| lines.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn edit_matcher_never_panics(content in tricky_text(60), old in tricky_text(12), new in tricky_text(12), second in tricky_text(6)) {
        let content = content.replace('\r', "\n");
        let edits = [
            Edit { old_text: old.clone(), new_text: new.clone() },
            Edit { old_text: second, new_text: new },
        ];
        let _ = apply_edits(&content, &edits[..1], "f");
        let _ = apply_edits(&content, &edits, "f");
    }

    #[test]
    fn exact_edit_changes_only_its_match(prefix in tricky_text(30), suffix in tricky_text(30), old in tricky_text(10), new in tricky_text(10)) {
        let (prefix, suffix, old, new) = [prefix, suffix, old, new].map(|text| text.replace('\r', "\n")).into();
        let old = format!("<{old}>");
        prop_assume!(!prefix.contains('<') && !suffix.contains('<'));
        let content = format!("{prefix}{old}{suffix}");
        let edit = Edit { old_text: old, new_text: new.clone() };
        match apply_edits(&content, &[edit], "f") {
            Ok(applied) => prop_assert_eq!(applied.new_content, format!("{prefix}{new}{suffix}")),
            Err(err) => prop_assert!(err.0.starts_with("No changes made"), "{}", err.0),
        }
    }

    #[test]
    fn fuzzy_edit_keeps_other_lines(before in lines(6), target in lines(3), after in lines(6), new in tricky_text(10)) {
        // A marker pins the match to the target lines; oldText is their fuzzy form.
        let target = format!("@M@{target}");
        let content = format!("{before}{target}{after}");
        let old_text = normalize_for_fuzzy_match(&target);
        let edit = Edit { old_text, new_text: new.replace('\r', "\n") };
        if let Ok(applied) = apply_edits(&content, &[edit], "f") {
            prop_assert!(applied.new_content.starts_with(&before), "{:?}", applied.new_content);
            prop_assert!(applied.new_content.ends_with(&after), "{:?}", applied.new_content);
        }
    }

    #[test]
    fn truncation_keeps_whole_characters(text in tricky_text(200), max_lines in 1usize..8, max_bytes in 1usize..40) {
        let limits = Limits { max_lines, max_bytes };
        let head = truncate_head(&text, limits);
        prop_assert!(text.starts_with(&head.content));
        prop_assert!(head.output_bytes <= max_bytes || !head.truncated);
        prop_assert_eq!(head.output_bytes, head.content.len());
        let tail = truncate_tail(&text, limits);
        let without_final_newline = text.strip_suffix('\n').unwrap_or(&text);
        prop_assert!(text.ends_with(&tail.content) || without_final_newline.ends_with(&tail.content));
        prop_assert!(tail.output_bytes <= max_bytes || !tail.truncated);
        let (line, _) = truncate_line(&text, max_bytes);
        let kept = line.strip_suffix("... [truncated]").unwrap_or(&line);
        prop_assert!(text.starts_with(kept));
    }

    #[test]
    fn streamed_decoding_matches_whole_decoding(bytes in prop::collection::vec(any::<u8>(), 0..64), cuts in prop::collection::vec(0usize..64, 0..6)) {
        let mut cuts: Vec<usize> = cuts.into_iter().map(|cut| cut.min(bytes.len())).collect();
        cuts.sort_unstable();
        let mut stream = Utf8Stream::default();
        let mut decoded = String::new();
        let mut start = 0;
        for cut in cuts.into_iter().chain([bytes.len()]) {
            decoded.push_str(&stream.decode(&bytes[start..cut]));
            start = cut;
        }
        decoded.push_str(&stream.finish());
        prop_assert_eq!(decoded, String::from_utf8_lossy(&bytes).into_owned());
    }

    #[test]
    fn output_tail_is_independent_of_chunking(text in tricky_text(120), cuts in prop::collection::vec(0usize..400, 0..8)) {
        let bytes = text.as_bytes();
        let limits = Limits { max_lines: 5, max_bytes: 30 };
        let mut whole = OutputAccumulator::new(limits, "pi-proptest");
        whole.append(bytes);
        whole.finish();
        let mut pieces = OutputAccumulator::new(limits, "pi-proptest");
        let mut cuts: Vec<usize> = cuts.into_iter().map(|cut| cut.min(bytes.len())).collect();
        cuts.sort_unstable();
        let mut start = 0;
        for cut in cuts.into_iter().chain([bytes.len()]) {
            pieces.append(&bytes[start..cut]);
            start = cut;
        }
        pieces.finish();
        let (a, b) = (whole.snapshot(false), pieces.snapshot(false));
        prop_assert_eq!(&a.truncation, &b.truncation);
        prop_assert_eq!(a.truncation.total_bytes, text.len());
        // Nothing was spilled to disk without asking for it; clean up if it was.
        for path in [a.full_output_path, b.full_output_path].into_iter().flatten() {
            let _ = std::fs::remove_file(path);
        }
    }
}
