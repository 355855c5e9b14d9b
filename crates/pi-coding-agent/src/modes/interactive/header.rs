//! The startup header: pi's name and version, the main keys (all of them once expanded
//! with the tools-expand key) and a line about asking pi about itself. With `quietStartup`
//! it is left out.

use pi_tui::Component;
use pi_tui::components::Text;

use crate::interactive::chat::{ChatStyle, format_keys};
use crate::interactive::keybindings::{Action, AppKeybindings};
use crate::interactive::theme::ThemeColor;

/// The header, collapsed or expanded.
pub(crate) struct Header {
    collapsed: String,
    expanded: String,
    text: Text,
    is_expanded: bool,
}

impl Header {
    pub(crate) fn new(style: &ChatStyle, keys: &AppKeybindings, expanded: bool) -> Self {
        let key = |action: Action| format_keys(keys.keys(action), keys.platform());
        let tui_key = |action: &str| format_keys(keys.tui().keys(action), keys.platform());
        let hint = |action: Action, description: &str| style.key_hint(&key(action), description);
        let raw = |keys: &str, description: &str| style.key_hint(keys, description);
        let theme = &style.theme;
        let logo = format!(
            "{}{}",
            theme.bold(&theme.fg(ThemeColor::Accent, "pi")),
            theme.fg(ThemeColor::Dim, &format!(" v{}", env!("CARGO_PKG_VERSION")))
        );
        let expanded_lines = [
            hint(Action::Interrupt, "to interrupt"),
            hint(Action::Clear, "to clear"),
            raw(&format!("{} twice", key(Action::Clear)), "to exit"),
            hint(Action::Exit, "to exit (empty)"),
            hint(Action::Suspend, "to suspend"),
            raw(
                &tui_key(pi_tui::action::EDITOR_DELETE_TO_LINE_END),
                "to delete to end",
            ),
            hint(Action::ThinkingCycle, "to cycle thinking level"),
            raw(
                &format!(
                    "{}/{}",
                    key(Action::ModelCycleForward),
                    key(Action::ModelCycleBackward)
                ),
                "to cycle models",
            ),
            hint(Action::ModelSelect, "to select model"),
            hint(Action::ToolsExpand, "to expand tools"),
            hint(Action::ThinkingToggle, "to expand thinking"),
            hint(Action::EditorExternal, "for external editor"),
            raw("/", "for commands"),
            raw("!", "to run bash"),
            raw("!!", "to run bash (no context)"),
            hint(Action::MessageFollowUp, "to queue follow-up"),
            hint(Action::MessageDequeue, "to edit all queued messages"),
            hint(
                Action::ClipboardPasteImage,
                "to paste image (with text fallback)",
            ),
            raw("drop files", "to attach"),
        ]
        .join("\n");
        let compact = [
            hint(Action::Interrupt, "interrupt"),
            raw(
                &format!("{}/{}", key(Action::Clear), key(Action::Exit)),
                "clear/exit",
            ),
            raw("/", "commands"),
            raw("!", "bash"),
            hint(Action::ToolsExpand, "more"),
        ]
        .join(&theme.fg(ThemeColor::Muted, " · "));
        let compact_onboarding = theme.fg(
            ThemeColor::Dim,
            &format!(
                "Press {} to show full startup help and loaded resources.",
                key(Action::ToolsExpand)
            ),
        );
        let onboarding = theme.fg(
            ThemeColor::Dim,
            "Pi can explain its own features and look up its docs. Ask it how to use or extend Pi.",
        );
        let collapsed = format!("{logo}\n{compact}\n{compact_onboarding}\n\n{onboarding}");
        let expanded_text = format!("{logo}\n{expanded_lines}\n\n{onboarding}");
        let text = Text::with_padding(if expanded { &expanded_text } else { &collapsed }, 1, 0);
        Header {
            collapsed,
            expanded: expanded_text,
            text,
            is_expanded: expanded,
        }
    }

    pub(crate) fn set_expanded(&mut self, expanded: bool) {
        if expanded != self.is_expanded {
            self.is_expanded = expanded;
            self.text.set_text(if expanded {
                self.expanded.as_str()
            } else {
                self.collapsed.as_str()
            });
        }
    }
}

impl Component for Header {
    fn render(&mut self, width: usize) -> Vec<String> {
        self.text.render(width)
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::interactive::keybindings::KeyPlatform;
    use crate::interactive::theme::{ColorMode, Theme};

    fn header(expanded: bool) -> Vec<String> {
        let keys = AppKeybindings::defaults(KeyPlatform::Linux);
        let style = ChatStyle::new(
            Theme::dark(ColorMode::TrueColor),
            &keys,
            PathBuf::new(),
            None,
        );
        Header::new(&style, &keys, expanded)
            .render(100)
            .iter()
            .map(|line| pi_tui::strip_ansi(line).trim_end().to_owned())
            .collect()
    }

    /// The lines of pi 0.87.1's header (tmux capture-pane), the version aside.
    #[test]
    fn the_header_reads_as_pis() {
        let version = format!(" pi v{}", env!("CARGO_PKG_VERSION"));
        let onboarding = " Pi can explain its own features and look up its docs. Ask it how to use or extend Pi.";
        assert_eq!(
            header(false),
            [
                version.as_str(),
                " escape interrupt · ctrl+c/ctrl+d clear/exit · / commands · ! bash · ctrl+o more",
                " Press ctrl+o to show full startup help and loaded resources.",
                "",
                onboarding,
            ]
        );
        let expanded = header(true);
        let expected = [
            version.as_str(),
            " escape to interrupt",
            " ctrl+c to clear",
            " ctrl+c twice to exit",
            " ctrl+d to exit (empty)",
            " ctrl+z to suspend",
            " ctrl+k to delete to end",
            " shift+tab to cycle thinking level",
            " ctrl+p/shift+ctrl+p to cycle models",
            " ctrl+l to select model",
            " ctrl+o to expand tools",
            " ctrl+t to expand thinking",
            " ctrl+g for external editor",
            " / for commands",
            " ! to run bash",
            " !! to run bash (no context)",
            " alt+enter to queue follow-up",
            " alt+up to edit all queued messages",
            " ctrl+v to paste image (with text fallback)",
            " drop files to attach",
            "",
            onboarding,
        ];
        assert_eq!(expanded, expected);
    }
}
