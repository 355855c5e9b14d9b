//! [`BashExecution`]: a `!cmd` the user ran, with its output streaming in between two
//! rules, the last lines shown until expanded.

use std::rc::Rc;
use std::time::Instant;

use pi_tui::components::{Loader, Text};
use pi_tui::{Component, strip_ansi};

use super::{ChatStyle, LineCache};
use crate::interactive::theme::ThemeColor;
use crate::tools::{Limits, truncate_tail};

/// Output lines shown while collapsed.
const PREVIEW_LINES: usize = 20;

/// How a user shell command ended (or that it has not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BashStatus {
    /// Still running: the spinner shows.
    Running,
    /// Exited with status 0 (or without a status).
    Complete,
    /// Exited with another status.
    Failed(i64),
    /// Stopped by the user.
    Cancelled,
}

/// A user shell command: a rule, `$ cmd` in bold, its output (muted), the spinner while it
/// runs or its status when done, and a closing rule. `!!cmd` (kept out of the model's
/// context) is drawn in the dim colour instead of the bash-mode colour.
pub struct BashExecution {
    style: Rc<ChatStyle>,
    command: String,
    exclude_from_context: bool,
    output: String,
    status: BashStatus,
    truncated: bool,
    full_output_path: Option<String>,
    expanded: bool,
    loader: Loader,
    cache: LineCache,
}

impl std::fmt::Debug for BashExecution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BashExecution")
            .field("command", &self.command)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl BashExecution {
    /// A command that has just started.
    pub fn new(
        command: impl Into<String>,
        exclude_from_context: bool,
        style: Rc<ChatStyle>,
    ) -> Self {
        let color = Self::color(exclude_from_context);
        let loader = Loader::new(
            format!("Running... ({} to cancel)", style.cancel_key),
            style.theme.fg_style(color),
            style.theme.fg_style(ThemeColor::Muted),
        );
        BashExecution {
            style,
            command: command.into(),
            exclude_from_context,
            output: String::new(),
            status: BashStatus::Running,
            truncated: false,
            full_output_path: None,
            expanded: false,
            loader,
            cache: LineCache::default(),
        }
    }

    fn color(exclude_from_context: bool) -> ThemeColor {
        if exclude_from_context {
            ThemeColor::Dim
        } else {
            ThemeColor::BashMode
        }
    }

    /// Adds a chunk of output (escape sequences removed, line endings made `\n`).
    pub fn append_output(&mut self, chunk: &str) {
        let clean = strip_ansi(chunk).replace("\r\n", "\n").replace('\r', "\n");
        self.output.push_str(&clean);
        self.cache.clear();
    }

    /// Marks the command finished: its exit code (none when killed), whether the user
    /// cancelled it, and where the full output went if it was truncated.
    pub fn set_complete(
        &mut self,
        exit_code: Option<i64>,
        cancelled: bool,
        truncated: bool,
        full_output_path: Option<String>,
    ) {
        self.status = match exit_code {
            _ if cancelled => BashStatus::Cancelled,
            Some(code) if code != 0 => BashStatus::Failed(code),
            _ => BashStatus::Complete,
        };
        self.truncated = truncated;
        self.full_output_path = full_output_path;
        self.cache.clear();
    }

    /// Shows all output, or only the last lines.
    pub fn set_expanded(&mut self, expanded: bool) {
        self.expanded = expanded;
        self.cache.clear();
    }

    /// Advances the spinner; whether a render is due.
    pub fn tick(&mut self, now: Instant) -> bool {
        let changed = self.status == BashStatus::Running && self.loader.tick(now);
        if changed {
            self.cache.clear();
        }
        changed
    }

    /// The output so far.
    pub fn output(&self) -> &str {
        &self.output
    }

    /// The command.
    pub fn command(&self) -> &str {
        &self.command
    }

    /// How it ended, or that it runs.
    pub fn status(&self) -> BashStatus {
        self.status
    }
}

impl Component for BashExecution {
    fn render(&mut self, width: usize) -> Vec<String> {
        if let Some(lines) = self.cache.get(width) {
            return lines;
        }
        let style = &self.style;
        let color = Self::color(self.exclude_from_context);
        // The same limits as the model sees: the tail of the output.
        let context = truncate_tail(&self.output, Limits::default());
        let available: Vec<&str> = if context.content.is_empty() {
            Vec::new()
        } else {
            context.content.split('\n').collect()
        };
        let preview_start = available.len().saturating_sub(PREVIEW_LINES);
        let hidden = preview_start;

        let border = style.fg(color, &"─".repeat(width.max(1)));
        let mut lines = vec![String::new(), border.clone()];
        // The command is in the bash-mode colour even when the rules are dim.
        let header = style.fg(
            ThemeColor::BashMode,
            &style.theme.bold(&format!("$ {}", self.command)),
        );
        lines.extend(Text::with_padding(header, 1, 0).render(width));
        if !available.is_empty() {
            let shown = if self.expanded {
                &available[..]
            } else {
                &available[preview_start..]
            };
            let styled: Vec<String> = shown
                .iter()
                .map(|line| style.fg(ThemeColor::Muted, line))
                .collect();
            let rendered =
                Text::with_padding(format!("\n{}", styled.join("\n")), 1, 0).render(width);
            if self.expanded {
                lines.extend(rendered);
            } else {
                // Collapsed: the last rows as they wrap at this width.
                let skip = rendered.len().saturating_sub(PREVIEW_LINES);
                lines.extend(rendered.into_iter().skip(skip));
            }
        }
        if self.status == BashStatus::Running {
            lines.extend(self.loader.render(width));
        } else {
            let mut status = Vec::new();
            if hidden > 0 {
                let muted = |s: &str| style.fg(ThemeColor::Muted, s);
                if self.expanded {
                    status.push(format!(
                        "{}{}{}",
                        muted("("),
                        style.expand_hint("to collapse"),
                        muted(")")
                    ));
                } else {
                    status.push(format!(
                        "{}{}{}",
                        muted(&format!("... {hidden} more lines (")),
                        style.expand_hint("to expand"),
                        muted(")")
                    ));
                }
            }
            match self.status {
                BashStatus::Cancelled => status.push(style.fg(ThemeColor::Warning, "(cancelled)")),
                BashStatus::Failed(code) => {
                    status.push(style.fg(ThemeColor::Error, &format!("(exit {code})")))
                }
                _ => {}
            }
            if (self.truncated || context.truncated)
                && let Some(path) = &self.full_output_path
            {
                status.push(style.fg(
                    ThemeColor::Warning,
                    &format!("Output truncated. Full output: {path}"),
                ));
            }
            if !status.is_empty() {
                lines.extend(
                    Text::with_padding(format!("\n{}", status.join("\n")), 1, 0).render(width),
                );
            }
        }
        lines.push(border);
        self.cache.put(width, &lines);
        lines
    }

    fn invalidate(&mut self) {
        self.cache.clear();
    }
}
