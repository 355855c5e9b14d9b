//! The chat components of the interactive screen, each drawing one kind of entry the way
//! pi draws it: [`UserMessage`], [`AssistantMessage`] (Markdown text and collapsible
//! thinking), [`ToolExecution`] (a tool call with live status and collapsed or expanded
//! output, rendered per tool), [`BashExecution`] (`!cmd` output), [`CompactionSummary`],
//! [`BranchSummary`], [`CustomMessage`], the [`Notice`] lines (errors, warnings, status),
//! the [`QueuedMessages`] above the editor and the [`WorkingLoader`].
//!
//! Every component takes a shared [`ChatStyle`] (the theme and the key names its hints
//! show) and caches its lines per width, so a long history re-renders from cache.

mod assistant_message;
mod bash_execution;
mod border;
mod branch_summary;
mod compaction_summary;
mod custom_message;
mod diff;
mod notice;
mod queued;
mod tool_execution;
mod tool_render;
mod user_message;
mod working;

use std::path::PathBuf;
use std::rc::Rc;

use pi_tui::components::MarkdownTheme;
use pi_tui::style::StyleFn;

pub use assistant_message::AssistantMessage;
pub use bash_execution::{BashExecution, BashStatus};
pub use border::DynamicBorder;
pub use branch_summary::BranchSummary;
pub use compaction_summary::{CompactionSummary, with_separators};
pub use custom_message::CustomMessage;
pub use notice::{Notice, NoticeKind};
pub use queued::QueuedMessages;
pub use tool_execution::{ToolExecution, ToolOutcome};
pub use user_message::UserMessage;
pub use working::{Activity, CompactionReason, WorkingLoader};

use super::keybindings::{Action, AppKeybindings, KeyPlatform};
use super::theme::{Theme, ThemeColor};

/// A chat entry whose output folds and unfolds with the tools-expand key.
pub trait Expandable: pi_tui::Component {
    /// Shows everything, or the folded form.
    fn set_expanded(&mut self, expanded: bool);
}

macro_rules! expandable {
    ($($ty:ty),*) => {$(
        impl Expandable for $ty {
            fn set_expanded(&mut self, expanded: bool) {
                <$ty>::set_expanded(self, expanded);
            }
        }
    )*};
}

expandable!(
    BashExecution,
    BranchSummary,
    CompactionSummary,
    ToolExecution
);

/// What every chat component styles itself with: the theme, the keys named in hints, and
/// where file paths are shown from.
#[derive(Clone)]
pub struct ChatStyle {
    /// The active theme.
    pub theme: Theme,
    /// The key that expands tool output (`app.tools.expand`), as hints show it.
    pub expand_key: String,
    /// The key that cancels (`tui.select.cancel`), as hints show it.
    pub cancel_key: String,
    /// The key that moves queued messages back to the editor (`app.message.dequeue`).
    pub dequeue_key: String,
    /// The key that interrupts the agent (`app.interrupt`).
    pub interrupt_key: String,
    /// The home directory, shown as `~` in tool paths.
    pub home: Option<PathBuf>,
    /// The working directory relative paths are resolved against (for file links).
    pub cwd: PathBuf,
    /// Whether the terminal shows OSC 8 hyperlinks (off for unknown terminals, as in pi).
    pub hyperlinks: bool,
    /// Columns of padding around message text (pi's `outputPad`, 1 by default).
    pub output_pad: usize,
    /// The Markdown styles, made once (every message needs them); change the theme with
    /// [`ChatStyle::set_theme`] so that they follow.
    markdown: std::cell::OnceCell<MarkdownTheme>,
}

impl std::fmt::Debug for ChatStyle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatStyle")
            .field("theme", &self.theme.name())
            .field("cwd", &self.cwd)
            .field("output_pad", &self.output_pad)
            .finish_non_exhaustive()
    }
}

impl ChatStyle {
    /// A style with the theme and the keys bound in `keys`.
    pub fn new(theme: Theme, keys: &AppKeybindings, cwd: PathBuf, home: Option<PathBuf>) -> Self {
        let platform = keys.platform();
        let expand_key = format_keys(keys.keys(Action::ToolsExpand), platform);
        let dequeue_key = format_keys(keys.keys(Action::MessageDequeue), platform);
        let interrupt_key = format_keys(keys.keys(Action::Interrupt), platform);
        let cancel_key = format_keys(keys.tui().keys(pi_tui::action::SELECT_CANCEL), platform);
        ChatStyle {
            theme,
            expand_key,
            cancel_key,
            dequeue_key,
            interrupt_key,
            home,
            cwd,
            hyperlinks: false,
            output_pad: 1,
            markdown: std::cell::OnceCell::new(),
        }
    }

    /// Changes the theme (the Markdown styles follow).
    pub fn set_theme(&mut self, theme: Theme) {
        self.theme = theme;
        self.markdown = std::cell::OnceCell::new();
    }

    /// Shared, as the components hold it.
    pub fn shared(self) -> Rc<ChatStyle> {
        Rc::new(self)
    }

    /// `text` in a foreground colour of the theme.
    pub fn fg(&self, color: ThemeColor, text: &str) -> String {
        self.theme.fg(color, text)
    }

    /// A key hint: the key dim, then the description muted (`ctrl+o to expand`).
    pub fn key_hint(&self, key: &str, description: &str) -> String {
        let mut out = self.theme.fg(ThemeColor::Dim, key);
        out.push_str(&self.theme.fg(ThemeColor::Muted, &format!(" {description}")));
        out
    }

    /// The hint for the expand key.
    pub fn expand_hint(&self, description: &str) -> String {
        self.key_hint(&self.expand_key, description)
    }

    /// The Markdown styles of pi's themes (`getMarkdownTheme`).
    pub fn markdown_theme(&self) -> MarkdownTheme {
        self.markdown
            .get_or_init(|| self.make_markdown_theme())
            .clone()
    }

    fn make_markdown_theme(&self) -> MarkdownTheme {
        let t = &self.theme;
        let bold = Rc::new({
            let t = t.clone();
            move |s: &str| t.bold(s)
        }) as StyleFn;
        let italic = Rc::new({
            let t = t.clone();
            move |s: &str| t.italic(s)
        }) as StyleFn;
        let underline = Rc::new({
            let t = t.clone();
            move |s: &str| t.underline(s)
        }) as StyleFn;
        let strikethrough = Rc::new({
            let t = t.clone();
            move |s: &str| t.strikethrough(s)
        }) as StyleFn;
        MarkdownTheme {
            heading: t.fg_style(ThemeColor::MdHeading),
            link: t.fg_style(ThemeColor::MdLink),
            link_url: t.fg_style(ThemeColor::MdLinkUrl),
            code: t.fg_style(ThemeColor::MdCode),
            code_block: t.fg_style(ThemeColor::MdCodeBlock),
            code_block_border: t.fg_style(ThemeColor::MdCodeBlockBorder),
            quote: t.fg_style(ThemeColor::MdQuote),
            quote_border: t.fg_style(ThemeColor::MdQuoteBorder),
            hr: t.fg_style(ThemeColor::MdHr),
            list_bullet: t.fg_style(ThemeColor::MdListBullet),
            bold,
            italic,
            strikethrough,
            underline,
            highlight_code: None,
            code_block_indent: "  ".into(),
            hyperlinks: self.hyperlinks,
        }
    }

    /// A path as tool calls show it: `~` for the home directory.
    pub fn shorten_path(&self, path: &str) -> String {
        if let Some(home) = self.home.as_ref().and_then(|h| h.to_str())
            && !home.is_empty()
            && let Some(rest) = path.strip_prefix(home)
        {
            return format!("~{rest}");
        }
        path.to_owned()
    }
}

/// Keys as hints name them: alternatives joined by `/`, and `alt` said `option` on macOS.
pub(crate) fn format_keys(keys: &[String], platform: KeyPlatform) -> String {
    let joined = keys.join("/");
    if platform != KeyPlatform::MacOs {
        return joined;
    }
    joined
        .split('/')
        .map(|key| {
            key.split('+')
                .map(|part| {
                    if part.eq_ignore_ascii_case("alt") {
                        "option"
                    } else {
                        part
                    }
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Keys as pi's help texts spell them: every part capitalised (`Ctrl+s`, `Escape/Ctrl+c`).
pub(crate) fn capitalize_keys(keys: &str) -> String {
    keys.split('/')
        .map(|key| {
            key.split('+')
                .map(|part| {
                    let mut chars = part.chars();
                    chars.next().map_or_else(String::new, |first| {
                        first.to_uppercase().chain(chars).collect()
                    })
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Lines of rendered components, kept for the width they were drawn at.
#[derive(Debug, Default, Clone)]
struct LineCache(Option<(usize, Vec<String>)>);

impl LineCache {
    fn get(&self, width: usize) -> Option<Vec<String>> {
        match &self.0 {
            Some((w, lines)) if *w == width => Some(lines.clone()),
            _ => None,
        }
    }

    fn put(&mut self, width: usize, lines: &[String]) {
        self.0 = Some((width, lines.to_vec()));
    }

    fn clear(&mut self) {
        self.0 = None;
    }
}

/// Renders components one below the other.
fn stack(children: &mut [std::boxed::Box<dyn pi_tui::Component>], width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for child in children {
        lines.extend(child.render(width));
    }
    lines
}

/// OSC 133 marks around a prompt/answer zone, so terminals can jump between them.
const ZONE_START: &str = "\x1b]133;A\x07";
const ZONE_END: &str = "\x1b]133;B\x07\x1b]133;C\x07";

fn mark_zone(lines: &mut [String]) {
    if let Some(first) = lines.first_mut() {
        first.insert_str(0, ZONE_START);
    }
    if let Some(last) = lines.last_mut() {
        last.insert_str(0, ZONE_END);
    }
}

/// Lines inside padding, every row filled to the width on a background (pi-tui's `Box`
/// over components this module owns).
fn in_box(
    children: &mut [std::boxed::Box<dyn pi_tui::Component>],
    padding_x: usize,
    padding_y: usize,
    background: &StyleFn,
    width: usize,
) -> Vec<String> {
    let inner = width.saturating_sub(padding_x * 2).max(1);
    let margin = " ".repeat(padding_x);
    let body = stack(children, inner);
    if body.is_empty() {
        return body;
    }
    let fill = |line: &str| pi_tui::style::apply_background_to_line(line, width, background);
    let empty = fill("");
    let mut lines = Vec::with_capacity(body.len() + padding_y * 2);
    lines.extend(std::iter::repeat_n(empty.clone(), padding_y));
    lines.extend(body.iter().map(|line| fill(&format!("{margin}{line}"))));
    lines.extend(std::iter::repeat_n(empty, padding_y));
    lines
}

/// A summary entry (compaction, branch) on its background: `[label]`, then the collapsed
/// line `<collapsed> (<expand key> to expand)` or, expanded, `**<heading>**` and the
/// summary as Markdown.
fn summary_box(
    style: &ChatStyle,
    label: &str,
    [collapsed, heading]: [&str; 2],
    summary: &str,
    expanded: bool,
    width: usize,
) -> Vec<String> {
    let body: std::boxed::Box<dyn pi_tui::Component> = if expanded {
        std::boxed::Box::new(
            pi_tui::components::Markdown::new(
                format!("**{heading}**\n\n{summary}"),
                0,
                0,
                style.markdown_theme(),
            )
            .with_text_style(style.theme.fg_style(ThemeColor::CustomMessageText)),
        )
    } else {
        std::boxed::Box::new(pi_tui::components::Text::new(format!(
            "{}{}{}",
            style.fg(ThemeColor::CustomMessageText, &format!("{collapsed} (")),
            style.fg(ThemeColor::Dim, &style.expand_key),
            style.fg(ThemeColor::CustomMessageText, " to expand)"),
        )))
    };
    let mut children: Vec<std::boxed::Box<dyn pi_tui::Component>> = vec![
        std::boxed::Box::new(pi_tui::components::Text::new(message_label(style, label))),
        std::boxed::Box::new(pi_tui::components::Spacer::new(1)),
        body,
    ];
    let bg = style.theme.bg_style(super::theme::ThemeBg::CustomMessageBg);
    in_box(&mut children, 1, 1, &bg, width)
}

/// The bold `[label]` that heads summaries and extension messages.
fn message_label(style: &ChatStyle, label: &str) -> String {
    style.fg(
        ThemeColor::CustomMessageLabel,
        &format!("\x1b[1m[{label}]\x1b[22m"),
    )
}
