//! Themes against what the reference pi 0.87.1 does with them (recorded in
//! `fixtures/interactive/theme-reference.json` by `scripts/reference/theme-record.mjs`):
//! every built-in token's escape sequence in both colour modes, the 256-colour
//! approximation, theme file errors, background detection and which theme files load.

use std::path::{Path, PathBuf};

use pi_coding_agent::interactive::theme::{
    Appearance, BackgroundSource, ColorMode, Theme, ThemeBg, ThemeCatalog, ThemeColor, ThemeFile,
    Token, detect_terminal_background, resolve_theme_setting, rgb_to_ansi256,
};
use pi_coding_agent::resources::{ResourceInputs, ThemeSources};
use serde_json::{Map, Value};

fn reference() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/interactive/theme-reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn mode_of(name: &str) -> ColorMode {
    match name {
        "truecolor" => ColorMode::TrueColor,
        "256color" => ColorMode::Ansi256,
        other => panic!("unknown mode {other}"),
    }
}

/// Each token's sequence, keyed by token name, as the reference lists them.
fn sequences(theme: &Theme) -> (Map<String, Value>, Map<String, Value>) {
    let fg = ThemeColor::ALL
        .iter()
        .map(|c| (c.name().to_owned(), Value::from(theme.fg_ansi(*c))))
        .collect();
    let bg = ThemeBg::ALL
        .iter()
        .map(|c| (c.name().to_owned(), Value::from(theme.bg_ansi(*c))))
        .collect();
    (fg, bg)
}

/// The pairs of a token map sorted by name. The reference also keeps colours of names that
/// are no token (a theme may set them); nothing can ask for those, so they are left out.
fn sorted(map: &Value) -> Vec<(String, Value)> {
    let mut pairs: Vec<(String, Value)> = map
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| Token::from_name(k).is_some())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    pairs.sort_by(|a, b| a.0.cmp(&b.0));
    pairs
}

fn assert_same_tokens(theme: &Theme, expected_fg: &Value, expected_bg: &Value, what: &str) {
    let (fg, bg) = sequences(theme);
    assert_eq!(
        sorted(&Value::Object(fg)),
        sorted(expected_fg),
        "{what}: fg"
    );
    assert_eq!(
        sorted(&Value::Object(bg)),
        sorted(expected_bg),
        "{what}: bg"
    );
}

#[test]
fn every_built_in_token_resolves_as_in_the_reference() {
    let reference = reference();
    for (name, modes) in reference["builtins"].as_object().unwrap() {
        for (mode, expected) in modes.as_object().unwrap() {
            let theme = match name.as_str() {
                "dark" => Theme::dark(mode_of(mode)),
                _ => Theme::light(mode_of(mode)),
            };
            assert_eq!(expected["fg"].as_object().unwrap().len(), 49);
            assert_eq!(expected["bg"].as_object().unwrap().len(), 7);
            assert_same_tokens(&theme, &expected["fg"], &expected["bg"], name);
        }
    }
}

#[test]
fn the_256_colour_approximation_matches_the_reference() {
    let reference = reference();
    let samples = reference["ansi256"].as_array().unwrap();
    assert!(samples.len() > 300);
    for sample in samples {
        let hex = sample[0].as_str().unwrap();
        let channel = |i: usize| u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap();
        let expected = sample[1].as_u64().unwrap();
        assert_eq!(
            u64::from(rgb_to_ansi256(channel(0), channel(1), channel(2))),
            expected,
            "{hex}"
        );
    }
}

#[test]
fn theme_files_are_checked_with_the_reference_messages() {
    let reference = reference();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    let validation = root.join("validation");
    std::fs::create_dir_all(&validation).unwrap();
    let cases = reference["validation"].as_array().unwrap();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let path = validation.join(format!("{name}.json"));
        let text = match case.get("text") {
            Some(text) => text.as_str().unwrap().to_owned(),
            None => serde_json::to_string_pretty(&case["doc"]).unwrap(),
        };
        std::fs::write(&path, text).unwrap();
        let result = ThemeFile::read(&path);
        let dir_text = root.to_string_lossy();
        match (case["ok"].as_bool().unwrap(), result) {
            (true, Ok(file)) => {
                if let Some(fg) = case.get("fg") {
                    let theme = file.to_theme(ColorMode::TrueColor, Some(path.clone()));
                    assert_same_tokens(&theme, fg, &case["bg"], name);
                }
            }
            (false, Err(error)) => {
                let message = error.to_string().replace(dir_text.as_ref(), "$DIR");
                match case.get("errorPrefix") {
                    Some(prefix) => assert!(
                        message.starts_with(&format!("{}:", prefix.as_str().unwrap())),
                        "{name}: {message}"
                    ),
                    None => assert_eq!(message, case["error"].as_str().unwrap(), "{name}"),
                }
            }
            (ok, result) => panic!("{name}: expected ok={ok}, got {result:?}"),
        }
    }
}

#[test]
fn background_and_theme_setting_as_in_the_reference() {
    let reference = reference();
    for case in reference["background"].as_array().unwrap() {
        let value = case["colorfgbg"].as_str().unwrap();
        let detection = detect_terminal_background((!value.is_empty()).then_some(value));
        let appearance = match detection.appearance {
            Appearance::Dark => "dark",
            Appearance::Light => "light",
        };
        let source = match detection.source {
            BackgroundSource::Colorfgbg => "COLORFGBG",
            BackgroundSource::Fallback => "fallback",
        };
        assert_eq!(appearance, case["theme"], "COLORFGBG={value:?}");
        assert_eq!(source, case["source"], "COLORFGBG={value:?}");
    }
    for case in reference["settings"].as_array().unwrap() {
        let terminal = match case["terminal"].as_str().unwrap() {
            "light" => Appearance::Light,
            _ => Appearance::Dark,
        };
        let resolved = resolve_theme_setting(case["setting"].as_str(), terminal);
        assert_eq!(
            resolved.as_deref(),
            case["resolved"].as_str(),
            "setting {:?} on {terminal:?}",
            case["setting"]
        );
    }
}

/// The settings arrays the discovery tree's settings files hold.
fn settings_array(root: &Path, file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root.join(file)).unwrap();
    let settings: Value = serde_json::from_str(&text).unwrap();
    settings["themes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn theme_files_are_discovered_as_in_the_reference() {
    let reference = reference();
    let discovery = &reference["discovery"];
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for (path, text) in discovery["tree"].as_object().unwrap() {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text.as_str().unwrap()).unwrap();
    }
    let root_text = root.to_string_lossy().into_owned();
    let relative = |path: &Path| path.to_string_lossy().replace(&root_text, "$ROOT");
    for scenario in discovery["scenarios"].as_array().unwrap() {
        let name = scenario["name"].as_str().unwrap();
        let inputs = ResourceInputs {
            project_trusted: scenario["trusted"].as_bool().unwrap(),
            ..ResourceInputs::new(
                root.join("repo"),
                root.join("home/.pi/agent"),
                root.join("home"),
            )
        };
        let sources = ThemeSources {
            user_themes: settings_array(&root, "home/.pi/agent/settings.json"),
            project_themes: settings_array(&root, "repo/.pi/settings.json"),
            cli_themes: scenario["themes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect(),
            no_themes: scenario["noThemes"].as_bool().unwrap_or(false),
        };
        let (catalog, diagnostics) = ThemeCatalog::load(&inputs, &sources);
        let loaded: Vec<(String, String)> = catalog
            .loaded()
            .map(|t| (t.file.name().to_owned(), relative(&t.path)))
            .collect();
        let expected: Vec<(String, String)> = scenario["loaded"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["name"].as_str().unwrap().to_owned(),
                    t["path"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert_eq!(loaded, expected, "{name}: loaded themes");
        let diagnostics: Value = serde_json::from_str(
            &serde_json::to_string(&diagnostics)
                .unwrap()
                .replace(&root_text, "$ROOT"),
        )
        .unwrap();
        assert_eq!(diagnostics, scenario["diagnostics"], "{name}: diagnostics");
    }
}

#[test]
fn a_theme_is_found_by_name_and_falls_back_to_dark() {
    let dir = tempfile::tempdir().unwrap();
    let agent = dir.path().join("agent");
    std::fs::create_dir_all(agent.join("themes")).unwrap();
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(dark_json()).unwrap()).unwrap();
    doc["name"] = "mine".into();
    doc["vars"]["red"] = "#ff0000".into();
    std::fs::write(agent.join("themes/mine.json"), doc.to_string()).unwrap();
    std::fs::write(agent.join("themes/broken.json"), "{}").unwrap();
    let catalog = ThemeCatalog::new(&agent);

    let mine = catalog.theme("mine", ColorMode::TrueColor).unwrap();
    assert_eq!(mine.name(), Some("mine"));
    assert_eq!(
        mine.fg(ThemeColor::Error, "x"),
        "\x1b[38;2;255;0;0mx\x1b[39m"
    );
    assert_eq!(
        mine.source_path(),
        Some(agent.join("themes/mine.json").as_path())
    );

    let (theme, error) = catalog.theme_or_dark("nope", ColorMode::TrueColor);
    assert_eq!(theme, Theme::dark(ColorMode::TrueColor));
    assert_eq!(error.unwrap().to_string(), "Theme not found: nope");
    let (_, error) = catalog.theme_or_dark("broken", ColorMode::TrueColor);
    assert!(
        error
            .unwrap()
            .to_string()
            .starts_with("Invalid theme \"broken\":\n"),
        "a theme asked for by name is labelled with its name"
    );

    let names: Vec<String> = catalog.listing().into_iter().map(|t| t.name).collect();
    assert_eq!(names, ["dark", "light", "mine"]);
}

fn dark_json() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/interactive/theme/dark.json")
}

#[test]
fn the_active_user_theme_reloads_when_its_file_changes() {
    let dir = tempfile::tempdir().unwrap();
    let agent = dir.path().join("agent");
    std::fs::create_dir_all(agent.join("themes")).unwrap();
    let path = agent.join("themes/live.json");
    let mut doc: Value =
        serde_json::from_str(&std::fs::read_to_string(dark_json()).unwrap()).unwrap();
    doc["name"] = "live".into();
    std::fs::write(&path, doc.to_string()).unwrap();
    let catalog = ThemeCatalog::new(&agent);
    assert!(
        catalog.watcher("dark").is_none(),
        "built-in themes are not watched"
    );
    assert!(catalog.watcher("missing").is_none());
    let mut watcher = catalog.watcher("live").unwrap();
    assert!(watcher.poll().is_none(), "nothing changed yet");

    // A palette index: the file's size changes too, whatever the clock's resolution.
    doc["colors"]["accent"] = 1.into();
    std::fs::write(&path, doc.to_string()).unwrap();
    let reloaded = watcher.poll().expect("a change").unwrap();
    let theme = reloaded.to_theme(ColorMode::TrueColor, None);
    assert_eq!(theme.fg_ansi(ThemeColor::Accent), "\x1b[38;5;1m");
    assert!(watcher.poll().is_none(), "reported once");

    std::fs::write(&path, "{ half written").unwrap();
    assert!(matches!(watcher.poll(), Some(Err(_))));
    assert!(watcher.poll().is_none());
    std::fs::remove_file(&path).unwrap();
    assert!(
        watcher.poll().is_none(),
        "a vanished file keeps the last theme"
    );
}
