use std::fs;

use serde_json::Value;

use super::*;
use crate::resources::diagnostics::{ResourceScope, ResourceSource};

fn source(path: &Path) -> SourceInfo {
    SourceInfo::new(path, ResourceSource::Auto, ResourceScope::User, None)
}

fn template(name: &str, content: &str) -> PromptTemplate {
    PromptTemplate {
        name: name.into(),
        description: String::new(),
        argument_hint: None,
        content: content.into(),
        source_info: source(Path::new("/t.md")),
        file_path: PathBuf::from("/t.md"),
    }
}

/// Every case of `template-cases.json` gives what the reference gave.
#[test]
fn arguments_and_placeholders_match_the_reference() {
    let text = include_str!("../../../tests/fixtures/resources/template-cases.json");
    let fixture: Value = serde_json::from_str(text).unwrap();
    let cases = fixture["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let content = case["content"].as_str().unwrap();
        let args_text = case["args"].as_str().unwrap();
        let parsed = parse_command_args(args_text);
        let expected_args: Vec<String> = serde_json::from_value(case["parsed"].clone()).unwrap();
        assert_eq!(parsed, expected_args, "arguments of {args_text:?}");
        assert_eq!(
            substitute_args(content, &parsed),
            case["expected"].as_str().unwrap(),
            "{content:?} with {args_text:?}"
        );
        let separator = case["separator"].as_str().unwrap_or(" ");
        let typed = format!("/t{separator}{args_text}");
        assert_eq!(
            expand_template(&typed, &[template("t", content)]).as_deref(),
            case["expanded"].as_str(),
            "{typed:?}"
        );
    }
}

#[test]
fn only_known_names_expand() {
    let templates = [template("review", "Review $1")];
    assert_eq!(
        expand_template("/review x", &templates).as_deref(),
        Some("Review x")
    );
    assert_eq!(
        expand_template("/review", &templates).as_deref(),
        Some("Review ")
    );
    assert_eq!(expand_template("/reviewer x", &templates), None);
    assert_eq!(expand_template("/ review", &templates), None);
    assert_eq!(expand_template("/", &templates), None);
    assert_eq!(expand_template("review x", &templates), None);
}

#[test]
fn loads_name_description_hint_and_body() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        fs::write(&path, text).unwrap();
        let mut diagnostics = Vec::new();
        let loaded = load_template_file(&path, source(&path), &mut diagnostics);
        (loaded, diagnostics)
    };
    let (review, _) = write(
        "review.md",
        "---\ndescription: Review staged git changes\nargument-hint: \"[focus]\"\n---\nReview the staged changes.\n",
    );
    let review = review.unwrap();
    assert_eq!(review.name, "review");
    assert_eq!(review.description, "Review staged git changes");
    assert_eq!(review.argument_hint.as_deref(), Some("[focus]"));
    assert_eq!(review.content, "Review the staged changes.");

    let long = format!("\n\n  {}\nsecond", "é".repeat(70));
    let (plain, _) = write("plain.md", &long);
    let plain = plain.unwrap();
    assert_eq!(plain.description, format!("  {}...", "é".repeat(58)));
    assert_eq!(plain.content, long);
    assert_eq!(plain.argument_hint, None);

    let (broken, diagnostics) = write("broken.md", "---\na: b: c\n---\nx");
    assert!(broken.is_none());
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].resource, ResourceKind::PromptTemplate);

    let json = serde_json::to_value(&review).unwrap();
    assert_eq!(json["argumentHint"], "[focus]");
    assert_eq!(
        json["filePath"],
        dir.path().join("review.md").to_str().unwrap()
    );
}

#[test]
fn directories_on_the_command_line_are_read_flat() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["b.md", "a.md", ".hidden.md", "x.txt"] {
        fs::write(dir.path().join(name), "x").unwrap();
    }
    fs::create_dir(dir.path().join("sub.md")).unwrap();
    let names: Vec<String> = template_files_in(dir.path())
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, [".hidden.md", "a.md", "b.md"]);
}

proptest::proptest! {
    /// Any content and any arguments: no panic, and text without `$` is left alone.
    #[test]
    fn substitution_never_panics(
        content in "[$\\{\\}@:\\-0-9A-Za-z é\n]{0,40}",
        args in proptest::collection::vec("[^\\s]{1,5}", 0..4),
    ) {
        let out = substitute_args(&content, &args);
        if !content.contains('$') {
            proptest::prop_assert_eq!(out, content.clone());
        }
        let typed = format!("/t {}", args.join(" "));
        let _ = expand_template(&typed, &[template("t", &content)]);
    }

    /// Splitting then joining unquoted words gives them back.
    #[test]
    fn plain_words_round_trip(words in proptest::collection::vec("[a-z0-9é]{1,6}", 0..5)) {
        proptest::prop_assert_eq!(parse_command_args(&words.join(" \t")), words);
    }
}
