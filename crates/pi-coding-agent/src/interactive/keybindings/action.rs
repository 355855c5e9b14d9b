//! pi's application actions: their `keybindings.json` ids, descriptions and default keys
//! per platform, and which of them each screen listens for.

use std::fmt;

/// Where pi runs, as far as default keys go: Windows terminals reserve some keys, and so do
/// the Windows terminals hosting WSL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyPlatform {
    /// Linux (outside WSL) and other Unix systems.
    Linux,
    /// macOS (Option-arrows come first in the tree's folding keys).
    MacOs,
    /// Native Windows.
    Windows,
    /// Linux under WSL (`WSL_DISTRO_NAME` or `WSL_INTEROP` set).
    Wsl,
}

impl KeyPlatform {
    /// The platform this process runs on; `env` reads an environment variable.
    pub fn detect(env: impl Fn(&str) -> Option<String>) -> KeyPlatform {
        if cfg!(windows) {
            KeyPlatform::Windows
        } else if cfg!(target_os = "macos") {
            KeyPlatform::MacOs
        } else if cfg!(target_os = "linux")
            && (env("WSL_DISTRO_NAME").is_some_and(|v| !v.is_empty())
                || env("WSL_INTEROP").is_some_and(|v| !v.is_empty()))
        {
            KeyPlatform::Wsl
        } else {
            KeyPlatform::Linux
        }
    }

    /// Whether the Windows-friendly defaults apply (Windows and WSL).
    pub fn uses_windows_keys(self) -> bool {
        matches!(self, KeyPlatform::Windows | KeyPlatform::Wsl)
    }
}

/// An action of pi's interactive mode (the `app.*` keybinding ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// `app.interrupt`: cancel or abort.
    Interrupt,
    /// `app.clear`: clear the editor (twice: quit).
    Clear,
    /// `app.exit`: quit when the editor is empty.
    Exit,
    /// `app.suspend`: suspend to the background.
    Suspend,
    /// `app.thinking.cycle`: next thinking level.
    ThinkingCycle,
    /// `app.thinking.save`: save the thinking level to settings (thinking selector).
    ThinkingSave,
    /// `app.model.cycleForward`: next model.
    ModelCycleForward,
    /// `app.model.cycleBackward`: previous model.
    ModelCycleBackward,
    /// `app.model.select`: open the model selector.
    ModelSelect,
    /// `app.tools.expand`: collapse or expand tool output.
    ToolsExpand,
    /// `app.thinking.toggle`: collapse or expand thinking blocks.
    ThinkingToggle,
    /// `app.session.toggleNamedFilter`: named sessions only (session picker).
    SessionToggleNamedFilter,
    /// `app.editor.external`: edit the input in an external editor.
    EditorExternal,
    /// `app.message.copy`: copy the selection or the last assistant message.
    MessageCopy,
    /// `app.message.followUp`: queue a follow-up message.
    MessageFollowUp,
    /// `app.message.dequeue`: put queued messages back into the editor.
    MessageDequeue,
    /// `app.clipboard.pasteImage`: paste an image (or text) from the clipboard.
    ClipboardPasteImage,
    /// `app.session.new`: start a new session.
    SessionNew,
    /// `app.session.tree`: open the session tree.
    SessionTree,
    /// `app.session.fork`: fork the session.
    SessionFork,
    /// `app.session.resume`: open the session picker.
    SessionResume,
    /// `app.tree.foldOrUp`: fold a branch, or go to the previous segment (tree).
    TreeFoldOrUp,
    /// `app.tree.unfoldOrDown`: unfold a branch, or go to the next segment (tree).
    TreeUnfoldOrDown,
    /// `app.tree.editLabel`: edit the selected entry's label (tree).
    TreeEditLabel,
    /// `app.tree.toggleLabelTimestamp`: show label times (tree).
    TreeToggleLabelTimestamp,
    /// `app.session.togglePath`: show session paths (session picker).
    SessionTogglePath,
    /// `app.session.toggleSort`: change the sort (session picker).
    SessionToggleSort,
    /// `app.session.rename`: rename a session (session picker).
    SessionRename,
    /// `app.session.delete`: delete a session (session picker).
    SessionDelete,
    /// `app.session.deleteNoninvasive`: delete a session when the query is empty.
    SessionDeleteNoninvasive,
    /// `app.models.save`: save the model selection (model selectors).
    ModelsSave,
    /// `app.models.enableAll`: enable all models (scoped models).
    ModelsEnableAll,
    /// `app.models.clearAll`: clear all models (scoped models).
    ModelsClearAll,
    /// `app.models.toggleProvider`: toggle a provider's models (scoped models).
    ModelsToggleProvider,
    /// `app.models.reorderUp`: move a model up (scoped models).
    ModelsReorderUp,
    /// `app.models.reorderDown`: move a model down (scoped models).
    ModelsReorderDown,
    /// `app.tree.filter.default`: the tree's default view.
    TreeFilterDefault,
    /// `app.tree.filter.noTools`: hide tool results (tree).
    TreeFilterNoTools,
    /// `app.tree.filter.userOnly`: user messages only (tree).
    TreeFilterUserOnly,
    /// `app.tree.filter.labeledOnly`: labelled entries only (tree).
    TreeFilterLabeledOnly,
    /// `app.tree.filter.all`: every entry (tree).
    TreeFilterAll,
    /// `app.tree.filter.cycleForward`: next tree filter.
    TreeFilterCycleForward,
    /// `app.tree.filter.cycleBackward`: previous tree filter.
    TreeFilterCycleBackward,
}

impl Action {
    /// Every action, in pi's order.
    pub const ALL: [Action; 43] = {
        use Action::*;
        [
            Interrupt,
            Clear,
            Exit,
            Suspend,
            ThinkingCycle,
            ThinkingSave,
            ModelCycleForward,
            ModelCycleBackward,
            ModelSelect,
            ToolsExpand,
            ThinkingToggle,
            SessionToggleNamedFilter,
            EditorExternal,
            MessageCopy,
            MessageFollowUp,
            MessageDequeue,
            ClipboardPasteImage,
            SessionNew,
            SessionTree,
            SessionFork,
            SessionResume,
            TreeFoldOrUp,
            TreeUnfoldOrDown,
            TreeEditLabel,
            TreeToggleLabelTimestamp,
            SessionTogglePath,
            SessionToggleSort,
            SessionRename,
            SessionDelete,
            SessionDeleteNoninvasive,
            ModelsSave,
            ModelsEnableAll,
            ModelsClearAll,
            ModelsToggleProvider,
            ModelsReorderUp,
            ModelsReorderDown,
            TreeFilterDefault,
            TreeFilterNoTools,
            TreeFilterUserOnly,
            TreeFilterLabeledOnly,
            TreeFilterAll,
            TreeFilterCycleForward,
            TreeFilterCycleBackward,
        ]
    };

    /// The action's id in `keybindings.json`.
    pub fn id(self) -> &'static str {
        self.info().0
    }

    /// What the action does, for help screens.
    pub fn description(self) -> &'static str {
        self.info().1
    }

    /// The action called `id`.
    pub fn from_id(id: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|action| action.id() == id)
    }

    fn info(self) -> (&'static str, &'static str) {
        use Action::*;
        match self {
            Interrupt => ("app.interrupt", "Cancel or abort"),
            Clear => ("app.clear", "Clear editor"),
            Exit => ("app.exit", "Exit when editor is empty"),
            Suspend => ("app.suspend", "Suspend to background"),
            ThinkingCycle => ("app.thinking.cycle", "Cycle thinking level"),
            ThinkingSave => ("app.thinking.save", "Save thinking level"),
            ModelCycleForward => ("app.model.cycleForward", "Cycle to next model"),
            ModelCycleBackward => ("app.model.cycleBackward", "Cycle to previous model"),
            ModelSelect => ("app.model.select", "Open model selector"),
            ToolsExpand => ("app.tools.expand", "Toggle tool output"),
            ThinkingToggle => ("app.thinking.toggle", "Toggle thinking blocks"),
            SessionToggleNamedFilter => (
                "app.session.toggleNamedFilter",
                "Toggle named session filter",
            ),
            EditorExternal => ("app.editor.external", "Open external editor"),
            MessageCopy => (
                "app.message.copy",
                "Copy selection or last assistant message",
            ),
            MessageFollowUp => ("app.message.followUp", "Queue follow-up message"),
            MessageDequeue => ("app.message.dequeue", "Restore queued messages"),
            ClipboardPasteImage => (
                "app.clipboard.pasteImage",
                "Paste image from clipboard (text fallback)",
            ),
            SessionNew => ("app.session.new", "Start a new session"),
            SessionTree => ("app.session.tree", "Open session tree"),
            SessionFork => ("app.session.fork", "Fork current session"),
            SessionResume => ("app.session.resume", "Resume a session"),
            TreeFoldOrUp => ("app.tree.foldOrUp", "Fold tree branch or move up"),
            TreeUnfoldOrDown => ("app.tree.unfoldOrDown", "Unfold tree branch or move down"),
            TreeEditLabel => ("app.tree.editLabel", "Edit tree label"),
            TreeToggleLabelTimestamp => (
                "app.tree.toggleLabelTimestamp",
                "Toggle tree label timestamps",
            ),
            SessionTogglePath => ("app.session.togglePath", "Toggle session path display"),
            SessionToggleSort => ("app.session.toggleSort", "Toggle session sort mode"),
            SessionRename => ("app.session.rename", "Rename session"),
            SessionDelete => ("app.session.delete", "Delete session"),
            SessionDeleteNoninvasive => (
                "app.session.deleteNoninvasive",
                "Delete session when query is empty",
            ),
            ModelsSave => ("app.models.save", "Save model selection"),
            ModelsEnableAll => ("app.models.enableAll", "Enable all models"),
            ModelsClearAll => ("app.models.clearAll", "Clear all models"),
            ModelsToggleProvider => (
                "app.models.toggleProvider",
                "Toggle all models for provider",
            ),
            ModelsReorderUp => ("app.models.reorderUp", "Move model up in order"),
            ModelsReorderDown => ("app.models.reorderDown", "Move model down in order"),
            TreeFilterDefault => ("app.tree.filter.default", "Tree filter: default view"),
            TreeFilterNoTools => ("app.tree.filter.noTools", "Tree filter: hide tool results"),
            TreeFilterUserOnly => (
                "app.tree.filter.userOnly",
                "Tree filter: user messages only",
            ),
            TreeFilterLabeledOnly => (
                "app.tree.filter.labeledOnly",
                "Tree filter: labeled entries only",
            ),
            TreeFilterAll => ("app.tree.filter.all", "Tree filter: show all entries"),
            TreeFilterCycleForward => {
                ("app.tree.filter.cycleForward", "Tree filter: cycle forward")
            }
            TreeFilterCycleBackward => (
                "app.tree.filter.cycleBackward",
                "Tree filter: cycle backward",
            ),
        }
    }

    /// The keys bound to the action when the user binds nothing, on `platform`.
    pub fn default_keys(self, platform: KeyPlatform) -> &'static [&'static str] {
        use Action::*;
        let windows_keys = platform.uses_windows_keys();
        match self {
            Interrupt => &["escape"],
            Clear => &["ctrl+c"],
            Exit => &["ctrl+d"],
            // Windows has no job control.
            Suspend if platform == KeyPlatform::Windows => &[],
            Suspend => &["ctrl+z"],
            ThinkingCycle => &["shift+tab"],
            ThinkingSave => &["ctrl+s"],
            ModelCycleForward => &["ctrl+p"],
            ModelCycleBackward if windows_keys => &["alt+p"],
            ModelCycleBackward => &["shift+ctrl+p"],
            ModelSelect => &["ctrl+l"],
            ToolsExpand => &["ctrl+o"],
            ThinkingToggle => &["ctrl+t"],
            SessionToggleNamedFilter => &["ctrl+n"],
            EditorExternal => &["ctrl+g"],
            MessageCopy => &["ctrl+x"],
            MessageFollowUp if windows_keys => &["ctrl+q"],
            MessageFollowUp => &["alt+enter"],
            MessageDequeue if windows_keys => &["alt+q"],
            MessageDequeue => &["alt+up"],
            ClipboardPasteImage if windows_keys => &["alt+v"],
            ClipboardPasteImage => &["ctrl+v"],
            SessionNew | SessionTree | SessionFork | SessionResume => &[],
            TreeFoldOrUp if platform == KeyPlatform::MacOs => &["alt+left", "ctrl+left"],
            TreeFoldOrUp => &["ctrl+left", "alt+left"],
            TreeUnfoldOrDown if platform == KeyPlatform::MacOs => &["alt+right", "ctrl+right"],
            TreeUnfoldOrDown => &["ctrl+right", "alt+right"],
            TreeEditLabel => &["shift+l"],
            TreeToggleLabelTimestamp => &["shift+t"],
            SessionTogglePath => &["ctrl+p"],
            SessionToggleSort => &["ctrl+s"],
            SessionRename => &["ctrl+r"],
            SessionDelete => &["ctrl+d"],
            SessionDeleteNoninvasive => &["ctrl+backspace"],
            ModelsSave => &["ctrl+s"],
            ModelsEnableAll => &["ctrl+a"],
            ModelsClearAll => &["ctrl+x"],
            ModelsToggleProvider => &["ctrl+p"],
            ModelsReorderUp => &["alt+up"],
            ModelsReorderDown => &["alt+down"],
            TreeFilterDefault => &["ctrl+d"],
            TreeFilterNoTools => &["ctrl+t"],
            TreeFilterUserOnly => &["ctrl+u"],
            TreeFilterLabeledOnly => &["ctrl+l"],
            TreeFilterAll => &["ctrl+a"],
            TreeFilterCycleForward => &["ctrl+o"],
            TreeFilterCycleBackward => &["shift+ctrl+o"],
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Which screen has the keyboard: each listens for its own actions (the same key may mean
/// different actions in different screens, `ctrl+p` for one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyContext {
    /// The chat's editor.
    Editor {
        /// Whether the editor is empty (`app.exit` only acts then).
        empty: bool,
        /// Whether autocomplete suggestions are showing (Escape closes them first).
        autocomplete: bool,
    },
    /// The `/resume` session picker.
    SessionPicker,
    /// The `/tree` navigator.
    Tree,
    /// The `/scoped-models` selector.
    ScopedModels,
    /// The model selector (`/model`, `app.model.select`).
    ModelSelector,
    /// The thinking level selector (`/thinking`).
    ThinkingSelector,
}

impl KeyContext {
    /// The actions the screen checks, in the order pi's screen checks them.
    pub fn actions(self) -> &'static [Action] {
        use Action::*;
        match self {
            // The editor checks paste, interrupt and exit first (see `action_for`).
            KeyContext::Editor { .. } => &[
                Clear,
                Suspend,
                ThinkingCycle,
                ModelCycleForward,
                ModelCycleBackward,
                ModelSelect,
                ToolsExpand,
                ThinkingToggle,
                EditorExternal,
                MessageCopy,
                MessageFollowUp,
                MessageDequeue,
                SessionNew,
                SessionTree,
                SessionFork,
                SessionResume,
            ],
            KeyContext::SessionPicker => &[
                SessionToggleSort,
                SessionToggleNamedFilter,
                SessionTogglePath,
                SessionDelete,
                SessionRename,
                SessionDeleteNoninvasive,
            ],
            KeyContext::Tree => &[
                TreeFoldOrUp,
                TreeUnfoldOrDown,
                MessageCopy,
                TreeFilterDefault,
                TreeFilterNoTools,
                TreeFilterUserOnly,
                TreeFilterLabeledOnly,
                TreeFilterAll,
                TreeFilterCycleBackward,
                TreeFilterCycleForward,
                TreeEditLabel,
                TreeToggleLabelTimestamp,
            ],
            KeyContext::ScopedModels => &[
                ModelsReorderUp,
                ModelsReorderDown,
                ModelsEnableAll,
                ModelsClearAll,
                ModelsToggleProvider,
                ModelsSave,
            ],
            KeyContext::ModelSelector => &[ModelsSave],
            KeyContext::ThinkingSelector => &[ThinkingSave],
        }
    }
}
