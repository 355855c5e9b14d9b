//! The whole loader against the reference: `tests/fixtures/resources/tree.json` is built in
//! a temporary directory and each of its scenarios loaded; `reference.json` holds what pi
//! 0.87.1 loaded, built and expanded for the same tree (`scripts/reference/resources-record.mjs`).

use std::fs;
use std::path::Path;

use serde_json::{Value, json};

use super::*;
use crate::tools::{ToolName, ToolsOptions};

const TREE: &str = include_str!("../../tests/fixtures/resources/tree.json");
const REFERENCE: &str = include_str!("../../tests/fixtures/resources/reference.json");

/// Builds the tree under `root`.
fn build_tree(root: &Path, tree: &Value) {
    for entry in tree["entries"].as_array().unwrap() {
        let path = root.join(entry["path"].as_str().unwrap());
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        if entry["dir"] == true {
            fs::create_dir_all(&path).unwrap();
        } else if let Some(target) = entry["link"].as_str() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(target, &path).unwrap();
        } else {
            fs::write(&path, entry["text"].as_str().unwrap()).unwrap();
        }
    }
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| item.as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// A settings file's array, as the settings module will hand it over.
fn settings_array(path: &Path, key: &str) -> Vec<String> {
    let Ok(text) = fs::read_to_string(path) else {
        return Vec::new();
    };
    let settings: Value = serde_json::from_str(&text).unwrap();
    strings(&settings[key])
}

fn inputs_for(root: &Path, scenario: &Value) -> ResourceInputs {
    let cwd = root.join(scenario["cwd"].as_str().unwrap());
    let agent_dir = root.join("home/.pi/agent");
    let user_settings = agent_dir.join("settings.json");
    let project_settings = cwd.join(".pi/settings.json");
    ResourceInputs {
        project_trusted: scenario["trusted"] == true,
        settings: ResourceSettings {
            user_skills: settings_array(&user_settings, "skills"),
            project_skills: settings_array(&project_settings, "skills"),
            user_prompts: settings_array(&user_settings, "prompts"),
            project_prompts: settings_array(&project_settings, "prompts"),
        },
        flags: ResourceFlags {
            skills: strings(&scenario["skills"]),
            prompt_templates: strings(&scenario["promptTemplates"]),
            no_skills: scenario["noSkills"] == true,
            no_prompt_templates: scenario["noPromptTemplates"] == true,
            no_context_files: scenario["noContextFiles"] == true,
            system_prompt: scenario["systemPrompt"].as_str().map(str::to_string),
            append_system_prompt: strings(&scenario["appendSystemPrompt"]),
        },
        ..ResourceInputs::new(&cwd, agent_dir, root.join("home"))
    }
}

/// What we loaded, in the record's shape, with `root` written `$ROOT`.
fn record(root: &Path, scenario: &Value) -> Value {
    let inputs = inputs_for(root, scenario);
    let (resources, diagnostics) = load(&inputs);
    let of = |kind: ResourceKind| -> Vec<&Diagnostic> {
        diagnostics.iter().filter(|d| d.resource == kind).collect()
    };
    let warnings: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.printed_at_startup())
        .map(Diagnostic::stderr_line)
        .collect();
    let tools: Vec<PromptTool> = strings(&scenario["tools"])
        .iter()
        .map(|name| PromptTool::builtin(ToolName::parse(name).unwrap(), &ToolsOptions::default()))
        .collect();
    // The record names pi installed globally (`PI_PACKAGE_DIR`); ours gets the same.
    let package_dir = Path::new("/usr/local/lib/node_modules/@earendil-works/pi-coding-agent");
    let sections = resources.system_prompt_sections(&tools, package_dir);
    let expansions: Vec<Value> = strings(&scenario["expand"])
        .iter()
        .map(|input| json!({"input": input, "output": resources.expand_prompt(input, true)}))
        .collect();
    let value = json!({
        "name": scenario["name"],
        "skills": resources.skills,
        "skillDiagnostics": of(ResourceKind::Skill),
        "prompts": resources.prompt_templates,
        "promptDiagnostics": of(ResourceKind::PromptTemplate),
        "contextFiles": resources.context_files,
        "systemPrompt": resources.system_prompt.text,
        "appendSystemPrompt": resources.append_system_prompt.texts,
        "warnings": warnings,
        "sections": sections,
        "expansions": expansions,
    });
    let text = serde_json::to_string(&value)
        .unwrap()
        .replace(root.to_str().unwrap(), "$ROOT");
    serde_json::from_str(&text).unwrap()
}

/// Diagnostics of malformed YAML carry the YAML parser's own words, which differ between
/// parsers: for those files only the kind and the path are compared.
fn assert_diagnostics_match(ours: &Value, reference: &Value, yaml_errors: &[String], what: &str) {
    let ours = ours.as_array().unwrap();
    let reference = reference.as_array().unwrap();
    assert_eq!(
        ours.len(),
        reference.len(),
        "{what}: {ours:#?}\nvs\n{reference:#?}"
    );
    for (mine, theirs) in ours.iter().zip(reference) {
        let path = theirs["path"].as_str().unwrap_or_default();
        if yaml_errors.iter().any(|file| path.ends_with(file.as_str())) {
            assert_eq!(mine["type"], theirs["type"], "{what}: {path}");
            assert_eq!(mine["path"], theirs["path"], "{what}");
            assert!(!mine["message"].as_str().unwrap().is_empty());
        } else {
            assert_eq!(mine, theirs, "{what}");
        }
    }
}

#[test]
fn every_scenario_loads_as_the_reference_loads_it() {
    let tree: Value = serde_json::from_str(TREE).unwrap();
    let reference: Value = serde_json::from_str(REFERENCE).unwrap();
    let yaml_errors = strings(&tree["yamlErrors"]);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    build_tree(&root, &tree);

    let scenarios = tree["scenarios"].as_array().unwrap();
    let expected = reference["scenarios"].as_array().unwrap();
    assert_eq!(scenarios.len(), expected.len());
    for (scenario, expected) in scenarios.iter().zip(expected) {
        let name = scenario["name"].as_str().unwrap();
        let ours = record(&root, scenario);
        for field in [
            "skills",
            "prompts",
            "contextFiles",
            "systemPrompt",
            "appendSystemPrompt",
            "warnings",
            "sections",
            "expansions",
        ] {
            assert_eq!(ours[field], expected[field], "{name}: {field}");
        }
        for field in ["skillDiagnostics", "promptDiagnostics"] {
            assert_diagnostics_match(
                &ours[field],
                &expected[field],
                &yaml_errors,
                &format!("{name}: {field}"),
            );
        }
    }
}

#[test]
fn sections_of_a_loaded_project_render_to_one_prompt() {
    let tree: Value = serde_json::from_str(TREE).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    build_tree(&root, &tree);
    let scenario = &tree["scenarios"][0];
    let (resources, _) = load(&inputs_for(&root, scenario));
    let tools = [PromptTool::builtin(
        ToolName::Read,
        &ToolsOptions::default(),
    )];
    let sections = resources.system_prompt_sections(&tools, Path::new("/opt/pi"));
    let names: Vec<&str> = sections.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "preamble",
            "tools",
            "rules",
            "docs",
            "addendum",
            "project_context",
            "skills",
            "cwd"
        ]
    );
    let text = render_sections(&sections);
    assert!(text.contains("<project_instructions path=\""));
    assert!(text.contains("Override rules.\n\n</project_instructions>"));
    assert!(!text.contains("\u{FEFF}"));
    // Hidden from the model, still loaded for its command.
    assert!(!sections["skills"].contains("hidden-model"));
    assert!(resources.skill("hidden-model").is_some());
    assert_eq!(
        resources
            .prompt_template("review")
            .unwrap()
            .argument_hint
            .as_deref(),
        Some("[focus]")
    );
}
