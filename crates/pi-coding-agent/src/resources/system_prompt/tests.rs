use std::path::{Path, PathBuf};

use serde_json::Value;

use super::*;
use crate::tools::DEFAULT_TOOLS;

/// The cwd and installation directory of the reference run that wrote the fixtures.
const FIXTURE_CWD: &str = "/home/user/project";
const FIXTURE_PACKAGE_DIR: &str = "/usr/local/lib/node_modules/@earendil-works/pi-coding-agent";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn default_tools() -> Vec<PromptTool> {
    DEFAULT_TOOLS
        .iter()
        .map(|tool| PromptTool::builtin(*tool, &ToolsOptions::default()))
        .collect()
}

fn inputs<'a>(tools: &'a [PromptTool]) -> SystemPromptInputs<'a> {
    SystemPromptInputs {
        custom_prompt: None,
        append: None,
        tools,
        guidelines: &[],
        context_files: &[],
        skills: &[],
        cwd: Path::new(FIXTURE_CWD),
        package_dir: Path::new(FIXTURE_PACKAGE_DIR),
        extra_sections: &[],
    }
}

#[test]
fn default_prompt_equals_the_reference_request_byte_for_byte() {
    let requests = std::fs::read_to_string(fixtures().join("mock-requests.jsonl")).unwrap();
    let first: Value = serde_json::from_str(requests.lines().next().unwrap()).unwrap();
    let sent = first["body"]["messages"][0]["content"].as_str().unwrap();

    let tools = default_tools();
    let sections = build_sections(&inputs(&tools));
    assert_eq!(render_sections(&sections), sent);
    assert_eq!(system_message(&sections, 0).prompt_text(), sent);
}

#[test]
fn stored_message_equals_the_reference_session_entry() {
    let session =
        std::fs::read_to_string(fixtures().join("sessions-0.87.1/tools-openai-completions.jsonl"))
            .unwrap();
    let entry: Value = serde_json::from_str(session.lines().nth(3).unwrap()).unwrap();
    let stored = &entry["message"];

    let tools = default_tools();
    let sections = build_sections(&inputs(&tools));
    let timestamp = stored["timestamp"].as_i64().unwrap();
    let ours =
        serde_json::to_value(pi_ai::Message::System(system_message(&sections, timestamp))).unwrap();
    assert_eq!(ours["role"], "system");
    assert_eq!(ours["content"], "");
    assert_eq!(ours["timestamp"], stored["timestamp"]);
    // Same names, same order, same texts.
    assert_eq!(
        serde_json::to_string(&ours["sections"]).unwrap(),
        serde_json::to_string(&stored["sections"]).unwrap()
    );
    // The first update of an empty transcript is that same message.
    let update = system_prompt_update(None, &sections, timestamp).unwrap();
    assert_eq!(
        serde_json::to_value(pi_ai::Message::System(update)).unwrap(),
        ours
    );
}

#[test]
fn custom_prompt_keeps_only_the_shared_sections() {
    let tools = [PromptTool::builtin(
        ToolName::Bash,
        &ToolsOptions::default(),
    )];
    let context = [ContextFile {
        path: PathBuf::from("/p/AGENTS.md"),
        content: "Use tabs.".into(),
    }];
    let sections = build_sections(&SystemPromptInputs {
        custom_prompt: Some("Be a pirate."),
        append: Some("Arr."),
        context_files: &context,
        ..inputs(&tools)
    });
    assert_eq!(
        render_sections(&sections),
        "Be a pirate.\n\n<addendum>\nArr.\n</addendum>\n\n<project_context>\n\
         Project-specific instructions and guidelines:\n\n\
         <project_instructions path=\"/p/AGENTS.md\">\nUse tabs.\n</project_instructions>\n\
         </project_context>\n\n<cwd>\n/home/user/project\n</cwd>"
    );
}

#[test]
fn rules_follow_the_active_tools() {
    let options = ToolsOptions::default();
    let rules = |names: &[ToolName]| {
        let tools: Vec<PromptTool> = names
            .iter()
            .map(|tool| PromptTool::builtin(*tool, &options))
            .collect();
        build_sections(&inputs(&tools))["rules"].clone()
    };
    assert_eq!(
        rules(&[ToolName::Read, ToolName::Grep, ToolName::Find, ToolName::Ls]),
        "<rules>\n- Use read to examine files instead of cat or sed.\n\
         - Be concise in your responses\n- Show file paths clearly when working with files\n</rules>"
    );
    assert!(rules(&[ToolName::Bash]).starts_with("<rules>\n- Use bash for file operations"));
    assert!(!rules(&[ToolName::Bash, ToolName::Ls]).contains("Use bash for file"));
    let none = build_sections(&inputs(&[]));
    assert!(none["tools"].starts_with("<tools>\n(none)\n\nIn addition"));
}

#[test]
fn custom_tools_and_extra_sections() {
    let mut tools = default_tools();
    tools.push(PromptTool::custom(
        "deploy",
        Some("  Deploy the\n app  "),
        &[
            "Ask before deploying.",
            " Ask before deploying. ",
            "",
            "Be concise in your responses",
        ],
    ));
    tools.push(PromptTool::custom("hidden", None, &[] as &[&str]));
    let extra = [
        ExtraSection::new("team", "We ship on Fridays.").unwrap(),
        ExtraSection::new("cwd", "/elsewhere").unwrap(),
        ExtraSection::new("empty", "").unwrap(),
    ];
    let sections = build_sections(&SystemPromptInputs {
        extra_sections: &extra,
        guidelines: &["Prefer small commits.".to_string()],
        ..inputs(&tools)
    });
    assert!(
        sections["tools"]
            .contains("- write: Create or overwrite files\n- deploy: Deploy the app\n\n")
    );
    assert!(!sections["tools"].contains("hidden"));
    // A rule already given by a tool keeps its place.
    assert!(sections["rules"].ends_with(
        "- Use write only for new files or complete rewrites.\n- Ask before deploying.\n\
         - Be concise in your responses\n- Prefer small commits.\n\
         - Show file paths clearly when working with files\n</rules>"
    ));
    let names: Vec<&str> = sections.keys().map(String::as_str).collect();
    assert_eq!(names, ["preamble", "tools", "rules", "docs", "cwd", "team"]);
    assert_eq!(sections["cwd"], "<cwd>\n/elsewhere\n</cwd>");
    assert_eq!(
        ExtraSection::new("Bad", "x").unwrap_err().to_string(),
        "Invalid system prompt section name: Bad"
    );
    assert!(ExtraSection::new("preamble", "x").is_err());
    assert!(ExtraSection::new("a-b_9", "x").is_ok());
}

#[test]
fn skills_are_listed_for_read_or_bash_only() {
    use crate::resources::diagnostics::{ResourceScope, ResourceSource, SourceInfo};
    let skill = Skill {
        name: "pdf".into(),
        description: "PDFs".into(),
        file_path: PathBuf::from("/s/pdf/SKILL.md"),
        base_dir: PathBuf::from("/s/pdf"),
        source_info: SourceInfo::new(
            Path::new("/s/pdf/SKILL.md"),
            ResourceSource::Auto,
            ResourceScope::User,
            None,
        ),
        disable_model_invocation: false,
    };
    let skills = [skill];
    let options = ToolsOptions::default();
    let with = |names: &[ToolName]| {
        let tools: Vec<PromptTool> = names
            .iter()
            .map(|t| PromptTool::builtin(*t, &options))
            .collect();
        build_sections(&SystemPromptInputs {
            skills: &skills,
            ..inputs(&tools)
        })
        .get("skills")
        .cloned()
    };
    let read = with(&[ToolName::Bash, ToolName::Read]).unwrap();
    assert!(read.starts_with("<skills>\nThe following skills"));
    assert!(read.contains("Use the read tool to load"));
    assert!(
        with(&[ToolName::Bash])
            .unwrap()
            .contains("Use bash to load")
    );
    assert_eq!(with(&[ToolName::Edit]), None);
}

#[test]
fn updates_carry_only_what_changed() {
    let tools = default_tools();
    let before = build_sections(&inputs(&tools));
    let first = system_message(&before, 1);

    assert_eq!(system_prompt_update(Some(&first), &before, 2), None);

    let read_only = [PromptTool::builtin(
        ToolName::Read,
        &ToolsOptions::default(),
    )];
    let after = build_sections(&SystemPromptInputs {
        append: Some("More."),
        ..inputs(&read_only)
    });
    let update = system_prompt_update(Some(&first), &after, 2).unwrap();
    let patch = update.sections.as_ref().unwrap();
    let names: Vec<&str> = patch.keys().map(String::as_str).collect();
    assert_eq!(names, ["tools", "rules", "addendum"]);
    assert_eq!(update.content, UserContent::Text(String::new()));
    assert_eq!(update.timestamp, 2);

    let without_docs = build_sections(&SystemPromptInputs {
        custom_prompt: Some("Custom."),
        ..inputs(&tools)
    });
    let patch = diff_sections(first.sections.as_ref().unwrap(), &without_docs).unwrap();
    let entries: Vec<(&str, bool)> = patch
        .iter()
        .map(|(k, v)| (k.as_str(), v.is_some()))
        .collect();
    assert_eq!(
        entries,
        [
            ("preamble", true),
            ("tools", false),
            ("rules", false),
            ("docs", false)
        ]
    );

    // Replaying the first message and the patch gives the new prompt.
    let replayed = pi_ai::current_system_message(
        [
            pi_ai::Message::System(first.clone()),
            pi_ai::Message::System(SystemMessage {
                sections: Some(patch),
                ..system_message(&IndexMap::new(), 3)
            }),
        ]
        .iter(),
    )
    .unwrap();
    assert_eq!(replayed.prompt_text(), render_sections(&without_docs));
}
