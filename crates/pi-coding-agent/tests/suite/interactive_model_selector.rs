//! The model selector: its screen at two widths, search, navigation and the choices it
//! reports, driven with the key sequences a terminal sends.

use std::cell::RefCell;
use std::rc::Rc;

use super::interactive_support::{on_screen, test_model};
use pi_ai::Model;
use pi_coding_agent::interactive::keybindings::{AppKeybindings, KeyPlatform};
use pi_coding_agent::interactive::model_selector::{
    ModelScope, ModelSelector, ModelSelectorOptions,
};
use pi_coding_agent::interactive::theme::{ColorMode, Theme};
use pi_tui::Component;

const UP: &str = "\x1b[A";
const DOWN: &str = "\x1b[B";
const PAGE_UP: &str = "\x1b[5~";
const PAGE_DOWN: &str = "\x1b[6~";
const ENTER: &str = "\r";
const ESCAPE: &str = "\x1b";
const TAB: &str = "\t";
const CTRL_S: &str = "\x13";
const BACKSPACE: &str = "\x7f";

/// Twelve models of four providers, in catalog order (not sorted).
fn catalog() -> Vec<Model> {
    vec![
        test_model("openrouter", "openai/gpt-5", "GPT-5 (OpenRouter)"),
        test_model("openai", "gpt-5", "GPT-5"),
        test_model("openai", "gpt-5-mini", "GPT-5 mini"),
        test_model("openai", "gpt-4.1", "GPT-4.1"),
        test_model("anthropic", "claude-sonnet-4-5", "Claude Sonnet 4.5"),
        test_model("anthropic", "claude-opus-4-1", "Claude Opus 4.1"),
        test_model("anthropic", "claude-haiku-4-5", "Claude Haiku 4.5"),
        test_model("google", "gemini-2.5-pro", "Gemini 2.5 Pro"),
        test_model("google", "gemini-2.5-flash", "Gemini 2.5 Flash"),
        test_model(
            "openrouter",
            "anthropic/claude-sonnet-4.5",
            "Claude Sonnet 4.5 (OpenRouter)",
        ),
        test_model("openrouter", "x-ai/grok-4", "Grok 4"),
        test_model("google", "gemini-2.0-flash", "Gemini 2.0 Flash"),
    ]
}

fn keys() -> Rc<AppKeybindings> {
    Rc::new(AppKeybindings::defaults(KeyPlatform::Linux))
}

fn selector(options: ModelSelectorOptions) -> ModelSelector {
    ModelSelector::new(
        catalog(),
        options,
        Theme::dark(ColorMode::TrueColor),
        keys(),
    )
}

fn with_current() -> ModelSelectorOptions {
    ModelSelectorOptions {
        current: Some(test_model("google", "gemini-2.5-flash", "")),
        default: Some(test_model("openai", "gpt-5", "")),
        ..ModelSelectorOptions::default()
    }
}

fn shown(s: &ModelSelector) -> Vec<String> {
    s.shown()
        .iter()
        .map(|m| format!("{}/{}", m.provider, m.id))
        .collect()
}

fn selected(s: &ModelSelector) -> String {
    s.selected()
        .map(|m| format!("{}/{}", m.provider, m.id))
        .unwrap_or_default()
}

fn type_text(s: &mut ModelSelector, text: &str) {
    for c in text.chars() {
        s.handle_input(&c.to_string());
    }
}

#[test]
fn the_selector_on_a_terminal_at_two_widths() {
    let mut s = selector(with_current());
    s.on_select_as_default(|_| {});
    let mut scoped = selector(ModelSelectorOptions {
        scoped: vec![
            test_model("anthropic", "claude-sonnet-4-5", "Claude Sonnet 4.5"),
            test_model("openai", "gpt-5", "GPT-5"),
        ],
        current: Some(test_model("openai", "gpt-5", "")),
        ..ModelSelectorOptions::default()
    });
    let mut shown = String::new();
    for width in [72u16, 40] {
        for (label, c) in [("all", &mut s), ("scoped", &mut scoped)] {
            let lines = c.render(usize::from(width));
            for line in &lines {
                assert!(
                    pi_tui::visible_width(line) <= usize::from(width),
                    "{line:?}"
                );
            }
            shown.push_str(&format!(
                "{label}, width {width}\n{}",
                on_screen(&lines, width)
            ));
        }
    }
    insta::assert_snapshot!(shown);
}

#[test]
fn current_model_first_then_default_then_by_provider_in_catalog_order() {
    let s = selector(with_current());
    assert_eq!(
        shown(&s),
        [
            "google/gemini-2.5-flash",
            "openai/gpt-5",
            "anthropic/claude-sonnet-4-5",
            "anthropic/claude-opus-4-1",
            "anthropic/claude-haiku-4-5",
            "google/gemini-2.5-pro",
            "google/gemini-2.0-flash",
            "openai/gpt-5-mini",
            "openai/gpt-4.1",
            "openrouter/openai/gpt-5",
            "openrouter/anthropic/claude-sonnet-4.5",
            "openrouter/x-ai/grok-4",
        ]
    );
    assert_eq!(selected(&s), "google/gemini-2.5-flash");
}

#[test]
fn search_ranks_the_provider_prefixed_match_above_a_proxy() {
    let mut s = selector(ModelSelectorOptions::default());
    type_text(&mut s, "openai/gpt-5");
    let found = shown(&s);
    assert_eq!(found.first().map(String::as_str), Some("openai/gpt-5"));
    assert!(found.contains(&"openrouter/openai/gpt-5".to_string()));
    assert!(!found.iter().any(|m| m.starts_with("anthropic/")));
    assert_eq!(selected(&s), "openai/gpt-5");
}

#[test]
fn search_matches_names_and_brings_the_default_up_for_default() {
    let mut s = selector(with_current());
    type_text(&mut s, "flash");
    assert_eq!(
        shown(&s),
        ["google/gemini-2.5-flash", "google/gemini-2.0-flash"]
    );
    for _ in 0..5 {
        s.handle_input(BACKSPACE);
    }
    type_text(&mut s, "def");
    assert_eq!(shown(&s).first().map(String::as_str), Some("openai/gpt-5"));
}

#[test]
fn a_search_without_matches_says_so() {
    let mut s = selector(ModelSelectorOptions::default());
    type_text(&mut s, "zzzz");
    assert!(shown(&s).is_empty());
    assert!(s.selected().is_none());
    let screen = on_screen(&s.render(60), 60);
    assert!(screen.contains("  No matching models"), "{screen}");
    // Keys that move or choose do nothing on an empty list.
    s.handle_input(DOWN);
    s.handle_input(ENTER);
    assert!(s.selected().is_none());
}

#[test]
fn arrows_wrap_around_and_page_keys_stop_at_the_ends() {
    let mut s = selector(ModelSelectorOptions::default());
    assert_eq!(selected(&s), "anthropic/claude-sonnet-4-5");
    s.handle_input(UP);
    assert_eq!(selected(&s), "openrouter/x-ai/grok-4");
    s.handle_input(DOWN);
    assert_eq!(selected(&s), "anthropic/claude-sonnet-4-5");
    s.handle_input(DOWN);
    assert_eq!(selected(&s), "anthropic/claude-opus-4-1");
    s.handle_input(PAGE_DOWN);
    assert_eq!(selected(&s), "openrouter/x-ai/grok-4");
    s.handle_input(PAGE_DOWN);
    assert_eq!(selected(&s), "openrouter/x-ai/grok-4");
    s.handle_input(PAGE_UP);
    assert_eq!(selected(&s), "anthropic/claude-opus-4-1");
    s.handle_input(PAGE_UP);
    assert_eq!(selected(&s), "anthropic/claude-sonnet-4-5");
}

#[test]
fn the_list_scrolls_with_the_selection_and_shows_the_position() {
    let mut s = selector(ModelSelectorOptions::default());
    s.handle_input(UP);
    let screen = on_screen(&s.render(60), 60);
    assert!(screen.contains("(12/12)"), "{screen}");
    assert!(screen.contains("→   x-ai/grok-4 [openrouter]"), "{screen}");
    assert!(
        !screen.contains("claude-sonnet-4-5 [anthropic]"),
        "{screen}"
    );
    assert!(screen.contains("  Model Name: Grok 4"), "{screen}");
}

#[test]
fn typing_selects_the_best_match_and_clearing_keeps_the_position() {
    let mut s = selector(ModelSelectorOptions::default());
    s.handle_input(DOWN);
    s.handle_input(DOWN);
    type_text(&mut s, "gem");
    assert_eq!(s.search(), "gem");
    assert!(selected(&s).starts_with("google/gemini"));
    // Every change to a non-empty query puts the best match on top again.
    s.handle_input(DOWN);
    s.handle_input(BACKSPACE);
    s.handle_input(BACKSPACE);
    assert_eq!(s.search(), "g");
    assert_eq!(s.selected(), s.shown().first().copied());
    s.handle_input(DOWN);
    s.handle_input(DOWN);
    s.handle_input(BACKSPACE);
    assert_eq!(shown(&s).len(), 12);
    assert_eq!(selected(&s), "anthropic/claude-haiku-4-5");
}

#[test]
fn enter_selects_escape_cancels_and_the_save_key_sets_the_default() {
    let chosen = Rc::new(RefCell::new(Vec::<String>::new()));
    let mut s = selector(ModelSelectorOptions::default());
    let log = chosen.clone();
    s.on_select(move |m| {
        log.borrow_mut()
            .push(format!("select {}/{}", m.provider, m.id))
    });
    let log = chosen.clone();
    s.on_select_as_default(move |m| {
        log.borrow_mut()
            .push(format!("default {}/{}", m.provider, m.id));
    });
    let log = chosen.clone();
    s.on_cancel(move || log.borrow_mut().push("cancel".to_string()));
    type_text(&mut s, "grok");
    s.handle_input(ENTER);
    s.handle_input(CTRL_S);
    s.handle_input(ESCAPE);
    assert_eq!(
        *chosen.borrow(),
        [
            "select openrouter/x-ai/grok-4",
            "default openrouter/x-ai/grok-4",
            "cancel"
        ]
    );
}

#[test]
fn without_a_save_callback_the_save_key_reaches_the_search_field() {
    let mut s = selector(ModelSelectorOptions::default());
    s.handle_input(CTRL_S);
    assert_eq!(s.search(), "");
    let screen = on_screen(&s.render(80), 80);
    assert!(!screen.contains("to set as default"), "{screen}");
}

#[test]
fn tab_switches_between_scoped_and_all_models() {
    let mut s = selector(ModelSelectorOptions {
        scoped: vec![
            test_model("openai", "gpt-5", "GPT-5"),
            test_model("anthropic", "claude-sonnet-4-5", "Claude Sonnet 4.5"),
        ],
        current: Some(test_model("anthropic", "claude-sonnet-4-5", "")),
        ..ModelSelectorOptions::default()
    });
    assert_eq!(s.scope(), ModelScope::Scoped);
    // Scoped models keep their configured order; the current one is selected.
    assert_eq!(shown(&s), ["openai/gpt-5", "anthropic/claude-sonnet-4-5"]);
    assert_eq!(selected(&s), "anthropic/claude-sonnet-4-5");
    s.handle_input(TAB);
    assert_eq!(s.scope(), ModelScope::All);
    assert_eq!(shown(&s).len(), 12);
    assert_eq!(selected(&s), "anthropic/claude-sonnet-4-5");
    type_text(&mut s, "gpt");
    s.handle_input(TAB);
    assert_eq!(s.scope(), ModelScope::Scoped);
    assert_eq!(shown(&s), ["openai/gpt-5"]);

    // Without scoped models Tab does nothing.
    let mut all = selector(ModelSelectorOptions::default());
    all.handle_input(TAB);
    assert_eq!(all.scope(), ModelScope::All);
    assert_eq!(all.search(), "");
}

#[test]
fn an_initial_search_is_applied_at_once() {
    let s = selector(ModelSelectorOptions {
        initial_search: "opus".to_string(),
        ..ModelSelectorOptions::default()
    });
    assert_eq!(s.search(), "opus");
    // A fuzzy match: the letters in order anywhere.
    assert!(shown(&s).contains(&"anthropic/claude-opus-4-1".to_string()));
    assert_eq!(s.selected(), s.shown().first().copied());
    assert!(!shown(&s).iter().any(|m| m.contains("gpt")));
}
