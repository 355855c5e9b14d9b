//! The loaded-resources listing against pi 0.87.1's own `showLoadedResources`, run under
//! node on the same resources (`fixtures/interactive/loaded-resources-reference.json`,
//! written by `scripts/reference/loaded-resources-record.mjs`): every line, escape
//! sequences included, collapsed and expanded at two widths.

use std::path::{Path, PathBuf};

use pi_coding_agent::interactive::loaded_resources::{
    LoadedResource, LoadedResources, LoadedResourcesView,
};
use pi_coding_agent::interactive::theme::{ColorMode, Theme};
use pi_coding_agent::resources::{
    Collision, Diagnostic, DiagnosticKind, ResourceKind, ResourceScope, ResourceSource,
};
use pi_tui::Component;
use serde_json::Value;

fn reference() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/interactive/loaded-resources-reference.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn path(value: &Value) -> PathBuf {
    PathBuf::from(value.as_str().unwrap())
}

fn resource_kind(name: &str) -> ResourceKind {
    match name {
        "skill" => ResourceKind::Skill,
        "prompt" => ResourceKind::PromptTemplate,
        "theme" => ResourceKind::Theme,
        other => panic!("unexpected resource kind {other}"),
    }
}

fn items(values: &Value) -> Vec<LoadedResource> {
    values
        .as_array()
        .unwrap()
        .iter()
        .map(|item| LoadedResource {
            name: item["name"].as_str().unwrap().to_owned(),
            path: path(&item["path"]),
            source: match item["source"].as_str().unwrap() {
                "auto" => ResourceSource::Auto,
                _ => ResourceSource::Local,
            },
            scope: match item["scope"].as_str().unwrap() {
                "user" => ResourceScope::User,
                "project" => ResourceScope::Project,
                _ => ResourceScope::Temporary,
            },
        })
        .collect()
}

fn diagnostic(value: &Value) -> Diagnostic {
    let kind = match value["type"].as_str().unwrap() {
        "collision" => DiagnosticKind::Collision,
        "error" => DiagnosticKind::Error,
        _ => DiagnosticKind::Warning,
    };
    let resource = resource_kind(value["resource"].as_str().unwrap());
    Diagnostic {
        kind,
        message: value["message"].as_str().unwrap().to_owned(),
        path: value.get("path").map(path),
        collision: value.get("collision").map(|c| Collision {
            resource_type: resource_kind(c["resourceType"].as_str().unwrap()),
            name: c["name"].as_str().unwrap().to_owned(),
            winner_path: path(&c["winnerPath"]),
            loser_path: path(&c["loserPath"]),
        }),
        resource,
    }
}

fn resources(reference: &Value) -> LoadedResources {
    let data = &reference["resources"];
    LoadedResources {
        context_files: data["contextFiles"]
            .as_array()
            .unwrap()
            .iter()
            .map(path)
            .collect(),
        skills: items(&data["skills"]),
        prompt_templates: items(&data["prompts"]),
        themes: items(&data["themes"]),
        diagnostics: data["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(diagnostic)
            .collect(),
        ..LoadedResources::new(path(&data["cwd"]), path(&data["home"]))
    }
}

#[test]
fn the_listing_matches_the_reference_line_for_line() {
    let reference = reference();
    let resources = resources(&reference);
    let theme = Theme::dark(ColorMode::TrueColor);
    let cases = reference["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 4);
    for case in cases {
        let expanded = case["expanded"].as_bool().unwrap();
        let width = usize::try_from(case["width"].as_u64().unwrap()).unwrap();
        let expected: Vec<&str> = case["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|line| line.as_str().unwrap())
            .collect();
        // Built collapsed and then expanded, as the tools-expand key does on screen.
        let mut view = LoadedResourcesView::new(&resources, &theme, !expanded);
        view.set_expanded(expanded);
        let lines = view.render(width);
        assert_eq!(
            lines.len(),
            expected.len(),
            "expanded {expanded}, width {width}"
        );
        for (index, (ours, theirs)) in lines.iter().zip(&expected).enumerate() {
            assert_eq!(
                ours, theirs,
                "expanded {expanded}, width {width}, line {index}"
            );
        }
    }
}

#[test]
fn nothing_loaded_draws_nothing() {
    let resources = LoadedResources::new("/home/ada/proj", "/home/ada");
    let mut view = LoadedResourcesView::new(&resources, &Theme::dark(ColorMode::TrueColor), true);
    assert!(view.is_empty());
    assert!(view.render(80).is_empty());
}

#[test]
fn the_listing_on_a_terminal() {
    let resources = resources(&reference());
    let theme = Theme::dark(ColorMode::TrueColor);
    let mut screens = String::new();
    for expanded in [false, true] {
        for width in [80, 40] {
            let mut view = LoadedResourcesView::new(&resources, &theme, expanded);
            screens.push_str(&format!("--- expanded {expanded}, {width} columns\n"));
            for line in view.render(width) {
                screens.push_str(pi_tui::strip_ansi(&line).trim_end());
                screens.push('\n');
            }
        }
    }
    insta::assert_snapshot!(screens);
}

#[test]
fn the_listing_is_filled_from_loaded_resources_and_themes() {
    use pi_coding_agent::interactive::theme::ThemeCatalog;
    use pi_coding_agent::resources::{ResourceInputs, ThemeSources, load};

    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let agent = home.join(".pi/agent");
    let cwd = home.join("proj");
    let write = |path: PathBuf, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(cwd.join("AGENTS.md"), "Be brief.");
    write(
        cwd.join(".pi/skills/deploy/SKILL.md"),
        "---\nname: deploy\ndescription: Ship it\n---\nSteps.",
    );
    write(agent.join("prompts/explain.md"), "Explain $1.");
    let dark = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/interactive/theme/dark.json"),
    )
    .unwrap();
    let mut nord: Value = serde_json::from_str(&dark).unwrap();
    nord["name"] = "nord".into();
    write(cwd.join(".pi/themes/nord.json"), &nord.to_string());

    let inputs = ResourceInputs {
        project_trusted: true,
        ..ResourceInputs::new(&cwd, &agent, &home)
    };
    let (loaded, mut diagnostics) = load(&inputs);
    let (catalog, theme_diagnostics) = ThemeCatalog::load(&inputs, &ThemeSources::default());
    diagnostics.extend(theme_diagnostics);
    let listing = LoadedResources::from_resources(&loaded, &catalog, &diagnostics, &agent, &home);
    assert_eq!(listing.context_files, [cwd.join("AGENTS.md")]);
    assert_eq!(listing.themes[0].scope, ResourceScope::Project);

    let mut view = LoadedResourcesView::new(&listing, &Theme::dark(ColorMode::TrueColor), true);
    let plain: Vec<String> = view
        .render(100)
        .iter()
        .map(|line| pi_tui::strip_ansi(line).trim_end().to_owned())
        .collect();
    assert_eq!(
        plain,
        [
            "",
            "[Context]",
            "  ~/proj/AGENTS.md",
            "",
            "[Skills]",
            "  project",
            "    ~/proj/.pi/skills/deploy/SKILL.md",
            "",
            "[Prompts]",
            "  user",
            "    /explain",
            "",
            "[Themes]",
            "  project",
            "    ~/proj/.pi/themes/nord.json",
            "",
        ]
    );
}
