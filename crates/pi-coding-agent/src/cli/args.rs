//! The command line: pi's flags, parsed with clap after pi's own conventions are applied.
//!
//! pi accepts a few things clap does not: multi-letter short aliases (`-nt`, `-xt`, ...),
//! `--list-models` taking a search term only when one follows, `-p` taking the next word
//! as the message even when it starts with `---` (Markdown frontmatter), and unknown
//! `--flags` (kept for extensions instead of rejected). [`parse_args`] walks the words once
//! for those conventions, messages and `@file` arguments, and hands the flags to clap.

use std::collections::BTreeMap;
use std::ffi::OsString;

use clap::Parser;
use clap::error::ErrorKind;
use pi_ai::ThinkingLevel;

/// What `--mode` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Plain text (print mode when not interactive).
    Text,
    /// One JSON event per line.
    Json,
    /// JSON commands on stdin, responses and events on stdout.
    Rpc,
}

/// A problem found while parsing; warnings let pi go on, errors stop it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Diagnostic {
    /// Printed as `Warning: ...`.
    Warning(String),
    /// Printed as `Error: ...`; pi exits with status 1.
    Error(String),
}

impl Diagnostic {
    /// Whether this stops pi.
    pub fn is_error(&self) -> bool {
        matches!(self, Diagnostic::Error(_))
    }

    /// The line pi prints for it.
    pub fn line(&self) -> String {
        match self {
            Diagnostic::Warning(message) => format!("Warning: {message}"),
            Diagnostic::Error(message) => format!("Error: {message}"),
        }
    }
}

/// The value of an extension flag pi does not know itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagValue {
    /// `--flag` alone.
    Set,
    /// `--flag value` or `--flag=value`.
    Value(String),
}

/// Everything the command line says, in pi's terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    /// `--help`.
    pub help: bool,
    /// `--version`.
    pub version: bool,
    /// `--mode`.
    pub mode: Option<Mode>,
    /// `--print` / `-p`.
    pub print: bool,
    /// `--continue` / `-c`.
    pub continue_session: bool,
    /// `--resume` / `-r`.
    pub resume: bool,
    /// `--provider`.
    pub provider: Option<String>,
    /// `--model`.
    pub model: Option<String>,
    /// `--api-key`.
    pub api_key: Option<String>,
    /// `--system-prompt`.
    pub system_prompt: Option<String>,
    /// `--append-system-prompt`, each occurrence.
    pub append_system_prompt: Vec<String>,
    /// `--name` / `-n`.
    pub name: Option<String>,
    /// `--no-session`.
    pub no_session: bool,
    /// `--session`.
    pub session: Option<String>,
    /// `--session-id`.
    pub session_id: Option<String>,
    /// `--fork`.
    pub fork: Option<String>,
    /// `--session-dir`.
    pub session_dir: Option<String>,
    /// `--models`, split on commas.
    pub models: Option<Vec<String>>,
    /// `--no-tools` / `-nt`.
    pub no_tools: bool,
    /// `--no-builtin-tools` / `-nbt`.
    pub no_builtin_tools: bool,
    /// `--tools` / `-t`, split on commas.
    pub tools: Option<Vec<String>>,
    /// `--exclude-tools` / `-xt`, split on commas.
    pub exclude_tools: Option<Vec<String>>,
    /// `--thinking`, when valid.
    pub thinking: Option<ThinkingLevel>,
    /// `--export`.
    pub export: Option<String>,
    /// `--extension` / `-e`, each occurrence.
    pub extensions: Vec<String>,
    /// `--no-extensions` / `-ne`.
    pub no_extensions: bool,
    /// `--skill`, each occurrence.
    pub skills: Vec<String>,
    /// `--no-skills` / `-ns`.
    pub no_skills: bool,
    /// `--prompt-template`, each occurrence.
    pub prompt_templates: Vec<String>,
    /// `--no-prompt-templates` / `-np`.
    pub no_prompt_templates: bool,
    /// `--theme`, each occurrence.
    pub themes: Vec<String>,
    /// `--use-theme`.
    pub use_theme: Option<String>,
    /// `--no-themes`.
    pub no_themes: bool,
    /// `--no-context-files` / `-nc`.
    pub no_context_files: bool,
    /// `--list-models`, with its search term when one was given.
    pub list_models: Option<Option<String>>,
    /// `--verbose`.
    pub verbose: bool,
    /// `--tui-mode`.
    pub tui_mode: Option<String>,
    /// `--approve` (`Some(true)`) or `--no-approve` (`Some(false)`).
    pub project_trust: Option<bool>,
    /// `--offline`.
    pub offline: bool,
    /// `@file` arguments, without the `@`.
    pub file_args: Vec<String>,
    /// Messages, in order.
    pub messages: Vec<String>,
    /// Flags pi does not know, for extensions.
    pub unknown_flags: BTreeMap<String, FlagValue>,
    /// Problems found while parsing.
    pub diagnostics: Vec<Diagnostic>,
}

/// The valid `--thinking` values, in the order pi lists them.
const THINKING_LEVELS: &str = "off, minimal, low, medium, high, xhigh, max";

/// pi's multi-letter short aliases and the flag each stands for.
const SHORT_ALIASES: [(&str, &str); 8] = [
    ("-nt", "--no-tools"),
    ("-nbt", "--no-builtin-tools"),
    ("-xt", "--exclude-tools"),
    ("-ne", "--no-extensions"),
    ("-ns", "--no-skills"),
    ("-np", "--no-prompt-templates"),
    ("-nc", "--no-context-files"),
    ("-na", "--no-approve"),
];

/// The grammar clap checks, once pi's conventions are rewritten away.
#[derive(Debug, Parser)]
#[command(
    name = "pi",
    disable_help_flag = true,
    disable_version_flag = true,
    no_binary_name = true
)]
struct Grammar {
    #[arg(long, short = 'h')]
    help: bool,
    #[arg(long, short = 'v')]
    version: bool,
    #[arg(long, allow_hyphen_values = false)]
    mode: Option<String>,
    #[arg(long, short = 'p')]
    print: bool,
    #[arg(long = "continue", short = 'c')]
    continue_session: bool,
    #[arg(long, short = 'r')]
    resume: bool,
    #[arg(long)]
    provider: Option<String>,
    #[arg(long)]
    model: Option<String>,
    #[arg(long)]
    api_key: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    system_prompt: Option<String>,
    #[arg(long, allow_hyphen_values = true)]
    append_system_prompt: Vec<String>,
    #[arg(long, short = 'n', allow_hyphen_values = true)]
    name: Option<String>,
    #[arg(long)]
    no_session: bool,
    #[arg(long)]
    session: Option<String>,
    #[arg(long)]
    session_id: Option<String>,
    #[arg(long)]
    fork: Option<String>,
    #[arg(long)]
    session_dir: Option<String>,
    #[arg(long)]
    models: Option<String>,
    #[arg(long)]
    no_tools: bool,
    #[arg(long)]
    no_builtin_tools: bool,
    #[arg(long, short = 't')]
    tools: Option<String>,
    #[arg(long)]
    exclude_tools: Option<String>,
    #[arg(long)]
    thinking: Option<String>,
    #[arg(long)]
    export: Option<String>,
    #[arg(long, short = 'e')]
    extension: Vec<String>,
    #[arg(long)]
    no_extensions: bool,
    #[arg(long)]
    skill: Vec<String>,
    #[arg(long)]
    no_skills: bool,
    #[arg(long)]
    prompt_template: Vec<String>,
    #[arg(long)]
    no_prompt_templates: bool,
    #[arg(long)]
    theme: Vec<String>,
    #[arg(long)]
    use_theme: Option<String>,
    #[arg(long)]
    no_themes: bool,
    #[arg(long)]
    no_context_files: bool,
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "")]
    list_models: Option<String>,
    #[arg(long)]
    verbose: bool,
    #[arg(long)]
    tui_mode: Option<String>,
    #[arg(long, short = 'a')]
    approve: bool,
    #[arg(long)]
    no_approve: bool,
    #[arg(long)]
    offline: bool,
}

/// Long flags clap knows, and whether each takes a value.
const KNOWN_FLAGS: &[(&str, bool)] = &[
    ("help", false),
    ("version", false),
    ("mode", true),
    ("print", false),
    ("continue", false),
    ("resume", false),
    ("provider", true),
    ("model", true),
    ("api-key", true),
    ("system-prompt", true),
    ("append-system-prompt", true),
    ("name", true),
    ("no-session", false),
    ("session", true),
    ("session-id", true),
    ("fork", true),
    ("session-dir", true),
    ("models", true),
    ("no-tools", false),
    ("no-builtin-tools", false),
    ("tools", true),
    ("exclude-tools", true),
    ("thinking", true),
    ("export", true),
    ("extension", true),
    ("no-extensions", false),
    ("skill", true),
    ("no-skills", false),
    ("prompt-template", true),
    ("no-prompt-templates", false),
    ("theme", true),
    ("use-theme", true),
    ("no-themes", false),
    ("no-context-files", false),
    ("list-models", false),
    ("verbose", false),
    ("tui-mode", true),
    ("approve", false),
    ("no-approve", false),
    ("offline", false),
];

fn known_flag(name: &str) -> Option<bool> {
    KNOWN_FLAGS
        .iter()
        .find(|(known, _)| *known == name)
        .map(|&(_, takes_value)| takes_value)
}

/// Parses pi's command line (without the program name).
///
/// Never fails: problems are collected in [`Args::diagnostics`], as pi reports them.
pub fn parse_args<I, S>(args: I) -> Args
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    let raw: Vec<String> = args
        .into_iter()
        .map(|arg| arg.into().to_string_lossy().into_owned())
        .collect();
    let mut args = Args::default();
    let rewritten = rewrite(&raw, &mut args);
    match Grammar::try_parse_from(rewritten) {
        Ok(grammar) => apply(grammar, &mut args),
        Err(err) => args.diagnostics.push(Diagnostic::Error(clap_message(&err))),
    }
    args
}

/// Applies pi's conventions: collects messages and `@file` arguments (in order) and unknown
/// flags into `args`, and returns the flags (with their values) for clap to check.
fn rewrite(raw: &[String], args: &mut Args) -> Vec<String> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let arg = raw[i].as_str();
        let next = raw.get(i + 1).map(String::as_str);
        i += 1;
        let arg = SHORT_ALIASES
            .iter()
            .find(|(short, _)| *short == arg)
            .map_or(arg, |(_, long)| long);
        match arg {
            "--" => {
                raw[i..].iter().for_each(|word| positional(word, args));
                break;
            }
            "--print" | "-p" => {
                out.push("--print".to_string());
                // The next word is the message unless it is a file or a flag; a `---`
                // frontmatter opening is a message.
                if let Some(next) = next
                    && !next.starts_with('@')
                    && (!next.starts_with('-') || next.starts_with("---"))
                {
                    args.messages.push(next.to_string());
                    i += 1;
                }
            }
            "--list-models" => match next {
                Some(search) if !search.starts_with('-') && !search.starts_with('@') => {
                    out.push(format!("--list-models={search}"));
                    i += 1;
                }
                _ => out.push(arg.to_string()),
            },
            "--mode" if next.is_none_or(|value| value.starts_with('-')) => {
                args.diagnostics.push(Diagnostic::Error(
                    "--mode requires text, json, or rpc".to_string(),
                ));
            }
            "--use-theme" if next.is_none_or(|value| value.starts_with('-')) => {
                args.diagnostics.push(Diagnostic::Error(
                    "--use-theme requires a theme name".to_string(),
                ));
            }
            "--tui-mode" if next.is_none_or(|value| value.starts_with('-')) => {
                args.diagnostics.push(Diagnostic::Error(
                    "--tui-mode requires regular or fullscreen".to_string(),
                ));
            }
            "--name" | "-n" if next.is_none() => {
                args.diagnostics
                    .push(Diagnostic::Error("--name requires a value".to_string()));
            }
            "-n" | "-t" | "-e" => {
                out.push(arg.to_string());
                if let Some(value) = next {
                    out.push(value.to_string());
                    i += 1;
                }
            }
            _ if arg.starts_with("--") => {
                let body = &arg[2..];
                let (name, inline) = match body.split_once('=') {
                    Some((name, value)) => (name, Some(value)),
                    None => (body, None),
                };
                match known_flag(name) {
                    Some(takes_value) => {
                        out.push(arg.to_string());
                        if takes_value
                            && inline.is_none()
                            && let Some(value) = next
                        {
                            out.push(value.to_string());
                            i += 1;
                        }
                    }
                    None => {
                        // An extension's flag: `--x=v`, `--x v` (a plain next word), or `--x`.
                        let value = match inline {
                            Some(value) => FlagValue::Value(value.to_string()),
                            None => match next {
                                Some(value)
                                    if !value.starts_with('-') && !value.starts_with('@') =>
                                {
                                    i += 1;
                                    FlagValue::Value(value.to_string())
                                }
                                _ => FlagValue::Set,
                            },
                        };
                        args.unknown_flags.insert(name.to_string(), value);
                    }
                }
            }
            "-h" | "-v" | "-c" | "-r" | "-a" => out.push(arg.to_string()),
            _ if arg.starts_with('-') && arg.len() > 1 => {
                args.diagnostics
                    .push(Diagnostic::Error(format!("Unknown option: {arg}")));
            }
            _ => positional(arg, args),
        }
    }
    out
}

/// A bare word: a file (`@path`) or a message.
fn positional(word: &str, args: &mut Args) {
    match word.strip_prefix('@') {
        Some(file) => args.file_args.push(file.to_string()),
        None => args.messages.push(word.to_string()),
    }
}

/// pi's wording for what clap rejects.
fn clap_message(err: &clap::Error) -> String {
    let flag = err
        .get(clap::error::ContextKind::InvalidArg)
        .map(|arg| arg.to_string())
        .unwrap_or_default();
    // clap names the flag as `--flag <VALUE>`; pi names it `--flag`.
    let flag = flag
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    match err.kind() {
        ErrorKind::InvalidValue | ErrorKind::NoEquals if !flag.is_empty() => {
            format!("{flag} requires a value")
        }
        ErrorKind::UnknownArgument if !flag.is_empty() => format!("Unknown option: {flag}"),
        _ => err
            .render()
            .to_string()
            .lines()
            .next()
            .unwrap_or("invalid arguments")
            .trim_start_matches("error: ")
            .to_string(),
    }
}

fn split_list(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

fn apply(grammar: Grammar, args: &mut Args) {
    args.help = grammar.help;
    args.version = grammar.version;
    if let Some(mode) = grammar.mode {
        match mode.as_str() {
            "text" => args.mode = Some(Mode::Text),
            "json" => args.mode = Some(Mode::Json),
            "rpc" => args.mode = Some(Mode::Rpc),
            other => args.diagnostics.push(Diagnostic::Error(format!(
                "Invalid mode \"{other}\". Valid values: text, json, rpc"
            ))),
        }
    }
    args.print = grammar.print;
    args.continue_session = grammar.continue_session;
    args.resume = grammar.resume;
    args.provider = grammar.provider;
    args.model = grammar.model;
    args.api_key = grammar.api_key;
    args.system_prompt = grammar.system_prompt;
    args.append_system_prompt = grammar.append_system_prompt;
    args.name = grammar.name;
    args.no_session = grammar.no_session;
    args.session = grammar.session;
    args.session_id = grammar.session_id;
    args.fork = grammar.fork;
    args.session_dir = grammar.session_dir;
    // `--models` keeps empty entries, as pi does (they match nothing and warn).
    args.models = grammar
        .models
        .map(|value| value.split(',').map(|s| s.trim().to_string()).collect());
    args.no_tools = grammar.no_tools;
    args.no_builtin_tools = grammar.no_builtin_tools;
    args.tools = grammar.tools.as_deref().map(split_list);
    args.exclude_tools = grammar.exclude_tools.as_deref().map(split_list);
    if let Some(level) = grammar.thinking {
        match ThinkingLevel::parse(&level) {
            Some(level) => args.thinking = Some(level),
            None => args.diagnostics.push(Diagnostic::Warning(format!(
                "Invalid thinking level \"{level}\". Valid values: {THINKING_LEVELS}"
            ))),
        }
    }
    args.export = grammar.export;
    args.extensions = grammar.extension;
    args.no_extensions = grammar.no_extensions;
    args.skills = grammar.skill;
    args.no_skills = grammar.no_skills;
    args.prompt_templates = grammar.prompt_template;
    args.no_prompt_templates = grammar.no_prompt_templates;
    args.themes = grammar.theme;
    args.use_theme = grammar.use_theme;
    args.no_themes = grammar.no_themes;
    args.no_context_files = grammar.no_context_files;
    args.list_models = grammar
        .list_models
        .map(|search| (!search.is_empty()).then_some(search));
    args.verbose = grammar.verbose;
    if let Some(mode) = grammar.tui_mode {
        if mode == "regular" || mode == "fullscreen" {
            args.tui_mode = Some(mode);
        } else {
            args.diagnostics.push(Diagnostic::Error(format!(
                "Invalid TUI mode \"{mode}\". Valid values: regular, fullscreen"
            )));
        }
    }
    // The later of `--approve` and `--no-approve` wins in pi; clap cannot tell the order,
    // so a contradiction resolves to the safe side.
    args.project_trust = match (grammar.approve, grammar.no_approve) {
        (_, true) => Some(false),
        (true, false) => Some(true),
        (false, false) => None,
    };
    args.offline = grammar.offline;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Args {
        parse_args(args.iter().copied())
    }

    #[test]
    fn messages_files_and_flags() {
        let args = parse(&["--model", "sonnet:high", "@a.md", "hello", "-c", "world"]);
        assert_eq!(args.model.as_deref(), Some("sonnet:high"));
        assert_eq!(args.file_args, ["a.md"]);
        assert_eq!(args.messages, ["hello", "world"]);
        assert!(args.continue_session);
        assert!(args.diagnostics.is_empty());
    }

    #[test]
    fn print_takes_the_next_word_unless_a_file_or_flag() {
        assert_eq!(parse(&["-p", "hi"]).messages, ["hi"]);
        assert_eq!(
            parse(&["-p", "---\nname: x\n---"]).messages,
            ["---\nname: x\n---"]
        );
        let args = parse(&["-p", "@f.txt", "go"]);
        assert_eq!(args.file_args, ["f.txt"]);
        assert_eq!(args.messages, ["go"]);
        let args = parse(&["-p", "-c"]);
        assert!(args.print && args.continue_session && args.messages.is_empty());
    }

    #[test]
    fn double_dash_ends_options() {
        let args = parse(&["-p", "--", "- a point", "@still-a-file", "--not-a-flag"]);
        assert_eq!(args.messages, ["- a point", "--not-a-flag"]);
        assert_eq!(args.file_args, ["still-a-file"]);
    }

    #[test]
    fn multi_letter_short_aliases() {
        let args = parse(&[
            "-nt", "-nbt", "-xt", "ls, grep", "-ne", "-ns", "-np", "-nc", "-na",
        ]);
        assert!(args.no_tools && args.no_builtin_tools && args.no_extensions);
        assert!(args.no_skills && args.no_prompt_templates && args.no_context_files);
        assert_eq!(args.exclude_tools, Some(vec!["ls".into(), "grep".into()]));
        assert_eq!(args.project_trust, Some(false));
        assert_eq!(
            parse(&["-t", "read,,bash"]).tools,
            Some(vec!["read".into(), "bash".into()])
        );
    }

    #[test]
    fn list_models_takes_a_search_only_when_one_follows() {
        assert_eq!(parse(&["--list-models"]).list_models, Some(None));
        assert_eq!(
            parse(&["--list-models", "sonnet"]).list_models,
            Some(Some("sonnet".into()))
        );
        let args = parse(&["--list-models", "@f"]);
        assert_eq!(args.list_models, Some(None));
        assert_eq!(args.file_args, ["f"]);
    }

    #[test]
    fn mode_errors_are_pis() {
        assert_eq!(parse(&["--mode", "json"]).mode, Some(Mode::Json));
        assert_eq!(
            parse(&["--mode"]).diagnostics,
            [Diagnostic::Error(
                "--mode requires text, json, or rpc".into()
            )]
        );
        assert_eq!(
            parse(&["--mode", "xml"]).diagnostics,
            [Diagnostic::Error(
                "Invalid mode \"xml\". Valid values: text, json, rpc".into()
            )]
        );
    }

    #[test]
    fn invalid_thinking_level_warns() {
        let args = parse(&["--thinking", "huge", "hi"]);
        assert_eq!(args.thinking, None);
        assert_eq!(
            args.diagnostics,
            [Diagnostic::Warning(
                "Invalid thinking level \"huge\". Valid values: off, minimal, low, medium, high, xhigh, max"
                    .into()
            )]
        );
        assert_eq!(
            parse(&["--thinking", "max"]).thinking,
            Some(ThinkingLevel::Max)
        );
    }

    #[test]
    fn unknown_flags_are_kept_for_extensions() {
        let args = parse(&["--plan", "--depth=3", "--target", "prod", "-x", "msg"]);
        assert_eq!(args.unknown_flags["plan"], FlagValue::Set);
        assert_eq!(args.unknown_flags["depth"], FlagValue::Value("3".into()));
        assert_eq!(
            args.unknown_flags["target"],
            FlagValue::Value("prod".into())
        );
        assert_eq!(
            args.diagnostics,
            [Diagnostic::Error("Unknown option: -x".into())]
        );
        assert_eq!(args.messages, ["msg"]);
    }

    #[test]
    fn repeatable_and_value_flags() {
        let args = parse(&[
            "--append-system-prompt",
            "a",
            "--append-system-prompt",
            "b",
            "--skill",
            "s1",
            "-e",
            "ext.ts",
            "--models",
            "a, b",
            "--approve",
            "--session-id",
            "abc",
        ]);
        assert_eq!(args.append_system_prompt, ["a", "b"]);
        assert_eq!(args.skills, ["s1"]);
        assert_eq!(args.extensions, ["ext.ts"]);
        assert_eq!(args.models, Some(vec!["a".into(), "b".into()]));
        assert_eq!(args.project_trust, Some(true));
        assert_eq!(args.session_id.as_deref(), Some("abc"));
    }

    #[test]
    fn a_missing_value_is_named() {
        let args = parse(&["--provider"]);
        assert_eq!(
            args.diagnostics,
            [Diagnostic::Error("--provider requires a value".into())]
        );
        assert_eq!(
            parse(&["--name"]).diagnostics,
            [Diagnostic::Error("--name requires a value".into())]
        );
    }
}
