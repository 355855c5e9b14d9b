//! The system prompt as named sections, the way pi 0.87.1 builds, stores and updates it.
//!
//! The sections are, in order: `preamble` (plain text), then `tools`, `rules` and `docs`
//! (default prompt only), `addendum`, `project_context`, `skills`, `cwd` and any extra
//! sections, each wrapped as `<name>\n…\n</name>`. The prompt text is the sections joined
//! by blank lines. A session stores the prompt as a system message with empty `content` and
//! these `sections`; when the prompt changes later, a system message holding only the
//! changed sections (and `null` for removed ones) is appended.

use std::path::Path;

use indexmap::IndexMap;
use pi_ai::{SystemMessage, UserContent};

use super::context_files::ContextFile;
use super::paths::{is_js_whitespace, js_trim};
use super::skills::{Skill, SkillReader, format_skills_for_prompt};
use crate::tools::{ToolName, ToolsOptions};

/// The preamble of the default prompt.
const DEFAULT_PREAMBLE: &str = "You are an expert coding assistant operating inside pi, a coding agent harness. You help users by reading files, executing commands, editing code, and writing new files.";

/// A tool as the system prompt describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptTool {
    /// The name the model calls it by.
    pub name: String,
    /// Its line in the `tools` section; a tool without one is not listed there.
    pub snippet: Option<String>,
    /// Its rules for the `rules` section.
    pub guidelines: Vec<String>,
}

impl PromptTool {
    /// A built-in tool with its snippet and guidelines.
    pub fn builtin(tool: ToolName, options: &ToolsOptions) -> Self {
        PromptTool {
            name: tool.as_str().to_string(),
            snippet: Some(tool.prompt_snippet().to_string()),
            guidelines: tool
                .prompt_guidelines(options)
                .iter()
                .map(|rule| (*rule).to_string())
                .collect(),
        }
    }

    /// Any other tool. As pi does with a tool's `promptSnippet` and `promptGuidelines`, the
    /// snippet is folded onto one line (dropped when blank) and the guidelines are trimmed,
    /// blank ones dropped and repeats removed.
    pub fn custom<S: AsRef<str>>(
        name: impl Into<String>,
        snippet: Option<&str>,
        guidelines: &[S],
    ) -> Self {
        let snippet = snippet
            .map(|text| {
                let words: Vec<&str> = text
                    .split(is_js_whitespace)
                    .filter(|word| !word.is_empty())
                    .collect();
                words.join(" ")
            })
            .filter(|line| !line.is_empty());
        let mut unique: Vec<String> = Vec::new();
        for rule in guidelines {
            let rule = js_trim(rule.as_ref());
            if !rule.is_empty() && !unique.iter().any(|seen| seen == rule) {
                unique.push(rule.to_string());
            }
        }
        PromptTool {
            name: name.into(),
            snippet,
            guidelines: unique,
        }
    }
}

/// A section added after the built-in ones (pi's extension sections).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraSection {
    name: String,
    content: String,
}

/// A section name that pi would refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid system prompt section name: {0}")]
pub struct InvalidSectionName(pub String);

impl ExtraSection {
    /// A section called `name` (lowercase letter first, then `a-z`, `0-9`, `_`, `-`; not
    /// `preamble`). A section with a built-in name replaces that one in place.
    pub fn new(
        name: impl Into<String>,
        content: impl Into<String>,
    ) -> Result<Self, InvalidSectionName> {
        let name = name.into();
        let mut bytes = name.bytes();
        let valid = bytes.next().is_some_and(|b| b.is_ascii_lowercase())
            && bytes
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !valid || name == "preamble" {
            return Err(InvalidSectionName(name));
        }
        Ok(ExtraSection {
            name,
            content: content.into(),
        })
    }
}

/// Everything the system prompt is built from.
#[derive(Debug, Clone, Copy)]
pub struct SystemPromptInputs<'a> {
    /// A custom prompt replacing the default preamble, tools, rules and docs (empty means
    /// none).
    pub custom_prompt: Option<&'a str>,
    /// Text for the `addendum` section (empty means none).
    pub append: Option<&'a str>,
    /// The active tools, in order.
    pub tools: &'a [PromptTool],
    /// Rules added after the tools' own.
    pub guidelines: &'a [String],
    /// Context files for `project_context`.
    pub context_files: &'a [ContextFile],
    /// Loaded skills for `skills` (listed when `read` or `bash` is active).
    pub skills: &'a [Skill],
    /// The working directory.
    pub cwd: &'a Path,
    /// The pi installation whose `README.md`, `docs` and `examples` the `docs` section
    /// points at.
    pub package_dir: &'a Path,
    /// Sections after the built-in ones.
    pub extra_sections: &'a [ExtraSection],
}

/// The system prompt's sections, in order, each already tagged (but `preamble`).
///
/// ```
/// use std::path::Path;
/// use pi_coding_agent::resources::{PromptTool, SystemPromptInputs, build_sections};
/// use pi_coding_agent::tools::{ToolName, ToolsOptions};
///
/// let tools = [PromptTool::builtin(ToolName::Read, &ToolsOptions::default())];
/// let sections = build_sections(&SystemPromptInputs {
///     custom_prompt: None,
///     append: Some("Answer in French."),
///     tools: &tools,
///     guidelines: &[],
///     context_files: &[],
///     skills: &[],
///     cwd: Path::new("/work"),
///     package_dir: Path::new("/opt/pi"),
///     extra_sections: &[],
/// });
/// let names: Vec<&str> = sections.keys().map(String::as_str).collect();
/// assert_eq!(names, ["preamble", "tools", "rules", "docs", "addendum", "cwd"]);
/// assert_eq!(sections["cwd"], "<cwd>\n/work\n</cwd>");
/// ```
pub fn build_sections(inputs: &SystemPromptInputs<'_>) -> IndexMap<String, String> {
    let mut sections: IndexMap<String, String> = IndexMap::new();
    match inputs.custom_prompt.filter(|prompt| !prompt.is_empty()) {
        Some(prompt) => {
            sections.insert("preamble".into(), prompt.to_string());
        }
        None => {
            sections.insert("preamble".into(), DEFAULT_PREAMBLE.into());
            sections.insert("tools".into(), tools_section(inputs.tools));
            sections.insert(
                "rules".into(),
                rules_section(inputs.tools, inputs.guidelines),
            );
            sections.insert("docs".into(), docs_section(inputs.package_dir));
        }
    }
    if let Some(append) = inputs.append.filter(|text| !text.is_empty()) {
        sections.insert("addendum".into(), append.to_string());
    }
    if !inputs.context_files.is_empty() {
        sections.insert(
            "project_context".into(),
            project_context_section(inputs.context_files),
        );
    }
    let has = |name: &str| inputs.tools.iter().any(|tool| tool.name == name);
    let reader = if has("read") {
        Some(SkillReader::Read)
    } else if has("bash") {
        Some(SkillReader::Bash)
    } else {
        None
    };
    if let Some(reader) = reader.filter(|_| !inputs.skills.is_empty()) {
        let listing = format_skills_for_prompt(inputs.skills, reader);
        if !listing.is_empty() {
            sections.insert("skills".into(), listing);
        }
    }
    sections.insert(
        "cwd".into(),
        inputs.cwd.to_string_lossy().replace('\\', "/"),
    );
    for extra in inputs.extra_sections {
        if !extra.content.is_empty() {
            sections.insert(extra.name.clone(), extra.content.clone());
        }
    }
    for (name, content) in sections.iter_mut().skip(1) {
        *content = format!("<{name}>\n{content}\n</{name}>");
    }
    sections
}

fn tools_section(tools: &[PromptTool]) -> String {
    let lines: Vec<String> = tools
        .iter()
        .filter_map(|tool| {
            let snippet = tool.snippet.as_deref()?;
            Some(format!("- {}: {snippet}", tool.name))
        })
        .collect();
    let list = if lines.is_empty() {
        "(none)".to_string()
    } else {
        lines.join("\n")
    };
    format!(
        "{list}\n\nIn addition to the tools above, you may have access to other custom tools depending on the project."
    )
}

fn rules_section(tools: &[PromptTool], guidelines: &[String]) -> String {
    let has = |name: &str| tools.iter().any(|tool| tool.name == name);
    let (bash, powershell) = (has("bash"), has("powershell"));
    let shell_rule = if (bash || powershell) && !has("grep") && !has("find") && !has("ls") {
        Some(match (bash, powershell) {
            (true, true) => {
                "Use bash or PowerShell for file operations like listing, searching, and finding files"
            }
            (false, true) => {
                "Use PowerShell for file operations like listing, searching, and finding files"
            }
            _ => "Use bash for file operations like ls, rg, find",
        })
    } else {
        None
    };
    let candidates = shell_rule
        .into_iter()
        .chain(
            tools
                .iter()
                .flat_map(|tool| tool.guidelines.iter().map(String::as_str)),
        )
        .chain(guidelines.iter().map(String::as_str))
        .chain([
            "Be concise in your responses",
            "Show file paths clearly when working with files",
        ]);
    let mut rules: Vec<&str> = Vec::new();
    for rule in candidates.map(js_trim) {
        if !rule.is_empty() && !rules.contains(&rule) {
            rules.push(rule);
        }
    }
    rules
        .iter()
        .map(|rule| format!("- {rule}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn docs_section(package_dir: &Path) -> String {
    let readme = package_dir.join("README.md");
    let docs = package_dir.join("docs");
    let examples = package_dir.join("examples");
    format!(
        "Pi documentation (read only when the user asks about pi itself, its SDK, extensions, themes, skills, or TUI):
- Main documentation: {}
- Additional docs: {}
- Examples: {} (extensions, custom tools, SDK)
- When reading pi docs or examples, resolve docs/... under Additional docs and examples/... under Examples, not the current working directory
- When asked about: extensions (docs/extensions.md, examples/extensions/), themes (docs/themes.md), skills (docs/skills.md), prompt templates (docs/prompt-templates.md), TUI components (docs/tui.md), keybindings (docs/keybindings.md), SDK integrations (docs/sdk.md), custom providers (docs/custom-provider.md), adding models (docs/models.md), pi packages (docs/packages.md), environment variables (docs/environment-variables.md)
- When working on pi topics, read the docs and examples, and follow .md cross-references before implementing
- Always read pi .md files completely and follow links to related docs (e.g., tui.md for TUI API details)",
        readme.display(),
        docs.display(),
        examples.display()
    )
}

fn project_context_section(files: &[ContextFile]) -> String {
    let mut out = String::from("Project-specific instructions and guidelines:");
    for file in files {
        out.push_str("\n\n<project_instructions path=\"");
        out.push_str(&file.path.to_string_lossy());
        out.push_str("\">\n");
        out.push_str(&file.content);
        out.push_str("\n</project_instructions>");
    }
    out
}

/// The prompt text the model receives: the sections joined by blank lines.
pub fn render_sections(sections: &IndexMap<String, String>) -> String {
    let parts: Vec<&str> = sections
        .values()
        .map(String::as_str)
        .filter(|part| !part.is_empty())
        .collect();
    parts.join("\n\n")
}

/// The system message a session stores for a whole prompt: empty `content`, every section.
/// The agent loop adds the tools it declares (`toolsAdded`).
pub fn system_message(sections: &IndexMap<String, String>, timestamp: i64) -> SystemMessage {
    SystemMessage {
        content: UserContent::Text(String::new()),
        sections: Some(
            sections
                .iter()
                .map(|(name, text)| (name.clone(), Some(text.clone())))
                .collect(),
        ),
        timestamp,
        tools_added: None,
        tools_removed: None,
        extra: serde_json::Map::new(),
    }
}

/// The sections patch taking the model from `previous` (the sections replayed from the
/// transcript) to `current`: changed and new sections with their text, in `current`'s
/// order, then removed ones as `None`. `None` when nothing changed.
pub fn diff_sections(
    previous: &IndexMap<String, Option<String>>,
    current: &IndexMap<String, String>,
) -> Option<IndexMap<String, Option<String>>> {
    let mut patch = IndexMap::new();
    for (name, text) in current {
        if previous.get(name).and_then(Option::as_deref) != Some(text.as_str()) {
            patch.insert(name.clone(), Some(text.clone()));
        }
    }
    for (name, text) in previous {
        if text.is_some() && !current.contains_key(name) {
            patch.insert(name.clone(), None);
        }
    }
    (!patch.is_empty()).then_some(patch)
}

/// The system message to append before the next prompt, as pi does when the prompt changed:
/// `previous` is the transcript's current system message (see
/// [`pi_ai::current_system_message`]), `None` for a transcript without one, in which case
/// every section is sent. `None` when the prompt is unchanged.
pub fn system_prompt_update(
    previous: Option<&SystemMessage>,
    current: &IndexMap<String, String>,
    timestamp: i64,
) -> Option<SystemMessage> {
    let empty = IndexMap::new();
    let previous = previous
        .and_then(|message| message.sections.as_ref())
        .unwrap_or(&empty);
    let sections = diff_sections(previous, current)?;
    Some(SystemMessage {
        sections: Some(sections),
        ..system_message(&IndexMap::new(), timestamp)
    })
}

#[cfg(test)]
mod tests;
