//! [`AssistantMessage`]: the model's answer: text as Markdown, thinking blocks shown in
//! italics or collapsed to a label, and the line that says why an answer stopped short.

use std::collections::HashMap;
use std::rc::Rc;

use pi_ai::{AssistantContent, StopReason};
use pi_tui::Component;
use pi_tui::components::{Markdown, Spacer, Text};

use super::{ChatStyle, LineCache, mark_zone, stack};
use crate::interactive::theme::ThemeColor;

/// The label of a collapsed thinking block unless configured otherwise.
pub const HIDDEN_THINKING_LABEL: &str = "Thinking...";

/// An assistant message, rebuilt whenever its content changes (per streamed delta) and
/// cached per width in between.
pub struct AssistantMessage {
    style: Rc<ChatStyle>,
    message: Option<pi_ai::AssistantMessage>,
    hide_thinking: bool,
    hidden_thinking_label: String,
    /// Thinking runs the user toggled by hand, by their index among the message's runs.
    thinking_overrides: HashMap<usize, bool>,
    has_tool_calls: bool,
    children: Vec<std::boxed::Box<dyn Component>>,
    cache: LineCache,
}

impl std::fmt::Debug for AssistantMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssistantMessage")
            .field("hide_thinking", &self.hide_thinking)
            .finish_non_exhaustive()
    }
}

fn visible(content: &AssistantContent) -> bool {
    match content {
        AssistantContent::Text(t) => !t.text.trim().is_empty(),
        AssistantContent::Thinking(t) => !t.thinking.trim().is_empty(),
        AssistantContent::ToolCall(_) => false,
    }
}

impl AssistantMessage {
    /// An assistant message; thinking blocks are collapsed when `hide_thinking` is set.
    pub fn new(
        message: Option<pi_ai::AssistantMessage>,
        hide_thinking: bool,
        style: Rc<ChatStyle>,
    ) -> Self {
        let mut component = AssistantMessage {
            style,
            message: None,
            hide_thinking,
            hidden_thinking_label: HIDDEN_THINKING_LABEL.to_owned(),
            thinking_overrides: HashMap::new(),
            has_tool_calls: false,
            children: Vec::new(),
            cache: LineCache::default(),
        };
        if let Some(message) = message {
            component.update(message);
        }
        component
    }

    /// Shows the message as it is now (a streaming message calls this per delta).
    pub fn update(&mut self, message: pi_ai::AssistantMessage) {
        self.message = Some(message);
        self.rebuild();
    }

    /// The message shown.
    pub fn message(&self) -> Option<&pi_ai::AssistantMessage> {
        self.message.as_ref()
    }

    /// Collapses or shows every thinking block (Ctrl+T), forgetting per-block toggles.
    pub fn set_hide_thinking(&mut self, hide: bool) {
        self.hide_thinking = hide;
        self.thinking_overrides.clear();
        self.rebuild();
    }

    /// Toggles one run of thinking blocks (pi does it on a click).
    pub fn toggle_thinking(&mut self, run: usize) {
        let hidden = self
            .thinking_overrides
            .get(&run)
            .copied()
            .unwrap_or(self.hide_thinking);
        self.thinking_overrides.insert(run, !hidden);
        self.rebuild();
    }

    /// The label shown for collapsed thinking.
    pub fn set_hidden_thinking_label(&mut self, label: impl Into<String>) {
        self.hidden_thinking_label = label.into();
        self.rebuild();
    }

    fn rebuild(&mut self) {
        self.cache.clear();
        self.children.clear();
        let Some(message) = &self.message else {
            return;
        };
        let style = &self.style;
        let pad = style.output_pad;
        let theme = &style.theme;
        let mut children: Vec<std::boxed::Box<dyn Component>> = Vec::new();
        let content = &message.content;
        if content.iter().any(visible) {
            children.push(std::boxed::Box::new(Spacer::new(1)));
        }
        let mut run_index = 0;
        let mut i = 0;
        while i < content.len() {
            match &content[i] {
                AssistantContent::Text(text) if !text.text.trim().is_empty() => {
                    children.push(std::boxed::Box::new(Markdown::new(
                        text.text.trim(),
                        pad,
                        0,
                        style.markdown_theme(),
                    )));
                }
                AssistantContent::Thinking(_) => {
                    // Consecutive thinking blocks show as one, separated by blank lines.
                    let mut blocks = Vec::new();
                    while let Some(AssistantContent::Thinking(t)) = content.get(i) {
                        let thinking = t.thinking.trim();
                        if !thinking.is_empty() {
                            blocks.push(thinking);
                        }
                        i += 1;
                    }
                    if !blocks.is_empty() {
                        let run = run_index;
                        run_index += 1;
                        let hidden = self
                            .thinking_overrides
                            .get(&run)
                            .copied()
                            .unwrap_or(self.hide_thinking);
                        if hidden {
                            let label = theme.italic(
                                &theme.fg(ThemeColor::ThinkingText, &self.hidden_thinking_label),
                            );
                            children.push(std::boxed::Box::new(Text::with_padding(label, pad, 0)));
                        } else {
                            let color = theme.fg_style(ThemeColor::ThinkingText);
                            let italic_theme = theme.clone();
                            let text_style: pi_tui::style::StyleFn =
                                Rc::new(move |s: &str| italic_theme.italic(&color(s)));
                            children.push(std::boxed::Box::new(
                                Markdown::new(blocks.join("\n\n"), pad, 0, style.markdown_theme())
                                    .with_text_style(text_style),
                            ));
                        }
                        if content
                            .get(i..)
                            .is_some_and(|rest| rest.iter().any(visible))
                        {
                            children.push(std::boxed::Box::new(Spacer::new(1)));
                        }
                    }
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        self.has_tool_calls = content
            .iter()
            .any(|c| matches!(c, AssistantContent::ToolCall(_)));
        let failure = match message.stop_reason {
            StopReason::Length => Some("Response was truncated before completion.".to_owned()),
            // With tool calls, the tool components show what failed.
            _ if self.has_tool_calls => None,
            StopReason::Aborted => Some(
                match message.error_message.as_deref() {
                    Some(m) if !m.is_empty() && m != "Request was aborted" => m,
                    _ => "Operation aborted",
                }
                .to_owned(),
            ),
            StopReason::Error => Some(format!(
                "Error: {}",
                message
                    .error_message
                    .as_deref()
                    .filter(|m| !m.is_empty())
                    .unwrap_or("Unknown error")
            )),
            _ => None,
        };
        if let Some(failure) = failure {
            children.push(std::boxed::Box::new(Spacer::new(1)));
            children.push(std::boxed::Box::new(Text::with_padding(
                theme.fg(ThemeColor::Error, &failure),
                pad,
                0,
            )));
        }
        self.children = children;
    }
}

impl Component for AssistantMessage {
    fn render(&mut self, width: usize) -> Vec<String> {
        if let Some(lines) = self.cache.get(width) {
            return lines;
        }
        let mut lines = stack(&mut self.children, width);
        if !self.has_tool_calls {
            mark_zone(&mut lines);
        }
        self.cache.put(width, &lines);
        lines
    }

    fn invalidate(&mut self) {
        self.rebuild();
    }
}
