use pi_tui::image::TerminalCapabilities;

use super::*;

#[test]
fn built_in_files_are_valid_and_named() {
    for name in ["dark", "light"] {
        let file = builtin_theme_file(name).unwrap();
        assert_eq!(file.name(), name);
        assert_eq!(
            Theme::dark(ColorMode::TrueColor).name(),
            Some("dark"),
            "built-in themes carry their name"
        );
    }
    assert!(builtin_theme_file("nord").is_none());
    assert_ne!(
        Theme::dark(ColorMode::TrueColor),
        Theme::light(ColorMode::TrueColor)
    );
}

#[test]
fn text_is_styled_per_token_and_only_its_colour_is_reset() {
    let theme = Theme::light(ColorMode::TrueColor);
    assert_eq!(
        theme.fg(ThemeColor::Accent, "hi"),
        "\x1b[38;2;90;128;128mhi\x1b[39m"
    );
    assert_eq!(
        theme.bg(ThemeBg::UserMessageBg, "hi"),
        "\x1b[48;2;232;232;232mhi\x1b[49m"
    );
    assert_eq!(
        (theme.fg_style(ThemeColor::Accent))("hi"),
        theme.fg(ThemeColor::Accent, "hi")
    );
    assert_eq!(
        (theme.bg_style(ThemeBg::ToolErrorBg))("x"),
        theme.bg(ThemeBg::ToolErrorBg, "x")
    );
}

#[test]
fn attributes_behave_like_pis_styling_library() {
    // Recorded from chalk 5 (pi's) with colours forced on.
    let theme = Theme::dark(ColorMode::Ansi256);
    assert_eq!(theme.bold("plain"), "\x1b[1mplain\x1b[22m");
    assert_eq!(theme.bold(""), "");
    assert_eq!(theme.bold("a\nb"), "\x1b[1ma\x1b[22m\n\x1b[1mb\x1b[22m");
    assert_eq!(theme.bold("x\x1b[22my"), "\x1b[1mx\x1b[22m\x1b[1my\x1b[22m");
    assert_eq!(theme.italic("x\x1b[22my"), "\x1b[3mx\x1b[22my\x1b[23m");
    assert_eq!(
        theme.italic("a\r\nb\n"),
        "\x1b[3ma\x1b[23m\r\n\x1b[3mb\x1b[23m\n\x1b[3m\x1b[23m"
    );
    assert_eq!(theme.strikethrough("s"), "\x1b[9ms\x1b[29m");
    assert_eq!(theme.underline("u"), "\x1b[4mu\x1b[24m");
    assert_eq!(theme.inverse("i"), "\x1b[7mi\x1b[27m");
}

#[test]
fn thinking_levels_have_border_colours() {
    assert_eq!(
        Theme::thinking_border_color(ThinkingLevel::Off),
        ThemeColor::ThinkingOff
    );
    assert_eq!(
        Theme::thinking_border_color(ThinkingLevel::Max),
        ThemeColor::ThinkingMax
    );
    let theme = Theme::dark(ColorMode::TrueColor);
    assert_ne!(
        theme.fg_ansi(ThemeColor::ThinkingMax),
        theme.fg_ansi(ThemeColor::ThinkingXhigh),
        "dark sets its own max colour"
    );
}

#[test]
fn a_custom_theme_with_vars_and_fallbacks() {
    let mut doc: serde_json::Value = serde_json::from_str(DARK_JSON).unwrap();
    doc["name"] = "custom".into();
    doc["vars"]["base"] = "#102030".into();
    doc["vars"]["alias"] = "base".into();
    doc["vars"]["slot"] = 42.into();
    doc["colors"]["accent"] = "alias".into();
    doc["colors"]["muted"] = "slot".into();
    doc["colors"]["text"] = "".into();
    for optional in [
        "scrollbarTrack",
        "scrollbarThumb",
        "thinkingMax",
        "searchMatchBg",
    ] {
        doc["colors"].as_object_mut().unwrap().remove(optional);
    }
    let file = ThemeFile::from_json("custom", &doc).unwrap();
    assert_eq!(file.fg(ThemeColor::Accent), Color::Rgb(0x10, 0x20, 0x30));
    assert_eq!(file.fg(ThemeColor::Muted), Color::Index(42));
    assert_eq!(file.fg(ThemeColor::Text), Color::Default);
    assert_eq!(file.fg(ThemeColor::ScrollbarTrack), Color::Index(42));
    assert_eq!(file.fg(ThemeColor::ScrollbarThumb), Color::Default);
    assert_eq!(
        file.fg(ThemeColor::ThinkingMax),
        file.fg(ThemeColor::ThinkingXhigh)
    );
    assert_eq!(
        file.bg(ThemeBg::SearchMatchBg),
        file.bg(ThemeBg::SelectedBg)
    );
    let theme = file.to_theme(ColorMode::Ansi256, None);
    assert_eq!(theme.fg_ansi(ThemeColor::Accent), "\x1b[38;5;17m");
    assert_eq!(theme.fg_ansi(ThemeColor::Muted), "\x1b[38;5;42m");
    assert_eq!(theme.fg_ansi(ThemeColor::Text), "\x1b[39m");
    assert_eq!(
        file.export_hex_colors(),
        [
            Some("#18181e".to_owned()),
            Some("#1e1e24".to_owned()),
            Some("#3c3728".to_owned())
        ]
    );
}

#[test]
fn the_colour_mode_follows_the_terminal() {
    let caps = |true_color| TerminalCapabilities {
        true_color,
        ..TerminalCapabilities::default()
    };
    assert_eq!(ColorMode::for_terminal(&caps(true)), ColorMode::TrueColor);
    assert_eq!(ColorMode::for_terminal(&caps(false)), ColorMode::Ansi256);
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |key: &str| {
            vars.iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let detect = |vars| ColorMode::for_terminal(&TerminalCapabilities::detect(env(vars)));
    assert_eq!(detect(&[("COLORTERM", "truecolor")]), ColorMode::TrueColor);
    assert_eq!(detect(&[("TERM", "xterm-256color")]), ColorMode::Ansi256);
    assert_eq!(
        detect(&[("COLORTERM", "truecolor"), ("PI_TRUE_COLOR", "0")]),
        ColorMode::Ansi256
    );
    assert_eq!(
        detect(&[("TERM_PROGRAM", "iTerm.app")]),
        ColorMode::TrueColor
    );
    // The `terminal.trueColor` setting wins over the environment, PI_TRUE_COLOR included.
    let forced = |vars, setting| ColorMode::detect(env(vars), setting);
    assert_eq!(
        forced(&[("PI_TRUE_COLOR", "1")], Some(false)),
        ColorMode::Ansi256
    );
    assert_eq!(
        forced(&[("TERM", "xterm")], Some(true)),
        ColorMode::TrueColor
    );
    assert_eq!(
        forced(&[("COLORTERM", "24bit")], None),
        ColorMode::TrueColor
    );
}

#[test]
fn auto_theme_settings() {
    assert_eq!(
        parse_auto_theme(" solarized-light / nord "),
        Some(AutoTheme {
            light: "solarized-light".into(),
            dark: "nord".into()
        })
    );
    assert_eq!(parse_auto_theme("a/b/c"), None);
    assert_eq!(parse_auto_theme("a/ "), None);
    assert_eq!(
        resolve_theme_setting(Some("light/dark"), Appearance::Light).as_deref(),
        Some("light")
    );
    assert_eq!(resolve_theme_setting(Some("a/b/c"), Appearance::Dark), None);
    assert_eq!(Appearance::Light.theme_name(), "light");
}
