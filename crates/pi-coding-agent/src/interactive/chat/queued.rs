//! [`QueuedMessages`]: the steering and follow-up messages waiting above the editor.

use std::rc::Rc;

use pi_tui::Component;
use pi_tui::components::TruncatedText;

use super::ChatStyle;
use crate::interactive::theme::ThemeColor;

/// Messages typed while the agent works, one truncated line each, and how to edit them.
/// Nothing is drawn while both queues are empty.
pub struct QueuedMessages {
    style: Rc<ChatStyle>,
    steering: Vec<String>,
    follow_up: Vec<String>,
}

impl std::fmt::Debug for QueuedMessages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueuedMessages")
            .field("steering", &self.steering)
            .field("follow_up", &self.follow_up)
            .finish_non_exhaustive()
    }
}

impl QueuedMessages {
    /// No queued messages.
    pub fn new(style: Rc<ChatStyle>) -> Self {
        QueuedMessages {
            style,
            steering: Vec::new(),
            follow_up: Vec::new(),
        }
    }

    /// Shows these queues.
    pub fn set(&mut self, steering: Vec<String>, follow_up: Vec<String>) {
        self.steering = steering;
        self.follow_up = follow_up;
    }
}

impl Component for QueuedMessages {
    fn render(&mut self, width: usize) -> Vec<String> {
        if self.steering.is_empty() && self.follow_up.is_empty() {
            return Vec::new();
        }
        let style = &self.style;
        let line = |text: String| TruncatedText::with_padding(text, 1, 0).render(width);
        let mut lines = vec![String::new()];
        for message in &self.steering {
            lines.extend(line(
                style.fg(ThemeColor::Dim, &format!("Steering: {message}")),
            ));
        }
        for message in &self.follow_up {
            lines.extend(line(
                style.fg(ThemeColor::Dim, &format!("Follow-up: {message}")),
            ));
        }
        lines.extend(line(style.fg(
            ThemeColor::Dim,
            &format!("↳ {} to edit all queued messages", style.dequeue_key),
        )));
        lines
    }
}
