//! [`WorkingLoader`]: the spinner that says the agent is busy: working, retrying,
//! compacting or summarizing a branch.

use std::rc::Rc;
use std::time::Instant;

use pi_tui::components::Loader;
use pi_tui::{Component, truncate_to_width};

use super::ChatStyle;
use crate::interactive::theme::ThemeColor;

/// What the agent is busy with, which picks the message and the spinner's colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activity {
    /// A turn is running; the message is pi's `Working` unless an extension set another.
    Working(String),
    /// Waiting before retry `attempt` of `max_attempts`, `seconds` left.
    Retry {
        /// This attempt.
        attempt: u32,
        /// The most attempts made.
        max_attempts: u32,
        /// Seconds until the retry.
        seconds: u64,
    },
    /// Compacting: `manual` (`/compact`), `threshold` or `overflow`.
    Compaction(CompactionReason),
    /// Summarizing the branch left by tree navigation.
    BranchSummary,
}

/// Why compaction runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompactionReason {
    /// The user asked (`/compact`).
    Manual,
    /// The context passed the threshold.
    Threshold,
    /// The provider said the context overflowed.
    Overflow,
}

/// A spinner with a message, drawn as its own rows (an empty one, then the spinner) or in
/// the editor's border.
pub struct WorkingLoader {
    style: Rc<ChatStyle>,
    activity: Activity,
    loader: Loader,
}

impl std::fmt::Debug for WorkingLoader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkingLoader")
            .field("activity", &self.activity)
            .finish_non_exhaustive()
    }
}

impl WorkingLoader {
    /// A loader for this activity.
    pub fn new(activity: Activity, style: Rc<ChatStyle>) -> Self {
        let loader = Self::loader(&activity, &style);
        WorkingLoader {
            style,
            activity,
            loader,
        }
    }

    fn message(activity: &Activity, style: &ChatStyle) -> String {
        let cancel = format!("({} to cancel)", style.interrupt_key);
        match activity {
            Activity::Working(message) => message.clone(),
            Activity::Retry {
                attempt,
                max_attempts,
                seconds,
            } => format!("Retrying ({attempt}/{max_attempts}) in {seconds}s... {cancel}"),
            Activity::Compaction(CompactionReason::Manual) => {
                format!("Compacting context... {cancel}")
            }
            Activity::Compaction(CompactionReason::Threshold) => {
                format!("Auto-compacting... {cancel}")
            }
            Activity::Compaction(CompactionReason::Overflow) => {
                format!("Context overflow detected, Auto-compacting... {cancel}")
            }
            Activity::BranchSummary => format!("Summarizing branch... {cancel}"),
        }
    }

    fn loader(activity: &Activity, style: &ChatStyle) -> Loader {
        let spinner = if matches!(activity, Activity::Retry { .. }) {
            ThemeColor::Warning
        } else {
            ThemeColor::Accent
        };
        Loader::new(
            Self::message(activity, style),
            style.theme.fg_style(spinner),
            style.theme.fg_style(ThemeColor::Muted),
        )
    }

    /// Changes the activity (a retry countdown calls this every second).
    pub fn set_activity(&mut self, activity: Activity) {
        self.loader
            .set_message(Self::message(&activity, &self.style));
        self.activity = activity;
    }

    /// What the loader shows.
    pub fn activity(&self) -> &Activity {
        &self.activity
    }

    /// Advances the spinner to the frame due at `now`; whether it changed.
    pub fn tick(&mut self, now: Instant) -> bool {
        self.loader.tick(now)
    }

    /// The spinner and message as one line for the editor's top border.
    pub fn render_in_border(&mut self, width: usize) -> String {
        let lines = self.loader.render(width + 2);
        let line = lines.get(1).map_or("", String::as_str);
        let line = line.strip_prefix(' ').unwrap_or(line).trim_end();
        truncate_to_width(line, width, "", false)
    }
}

impl Component for WorkingLoader {
    fn render(&mut self, width: usize) -> Vec<String> {
        self.loader.render(width)
    }

    fn invalidate(&mut self) {
        self.loader = Self::loader(&self.activity, &self.style);
    }
}
