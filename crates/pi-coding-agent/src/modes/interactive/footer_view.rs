//! The footer component: what [`render_footer`] needs, kept up to date by the screen. The
//! figures that cost a walk over the session (usage totals, context use) are recomputed only
//! when the screen says they changed, never per streamed token.

use std::path::PathBuf;

use pi_ai::{Model, ThinkingLevel};
use pi_tui::Component;

use crate::agent_session::AgentSession;
use crate::interactive::footer::{
    ContextUsage, FooterData, FooterModel, GitBranch, UsageSummary, render_footer,
};
use crate::interactive::theme::Theme;

pub(crate) struct FooterView {
    theme: Theme,
    cwd: PathBuf,
    home: Option<PathBuf>,
    git: GitBranch,
    session_name: Option<String>,
    usage: UsageSummary,
    context: Option<ContextUsage>,
    auto_compact: bool,
    model: Option<Model>,
    thinking_level: ThinkingLevel,
    provider_count: usize,
    experimental: bool,
}

impl FooterView {
    pub(crate) fn new(
        theme: Theme,
        cwd: PathBuf,
        home: Option<PathBuf>,
        experimental: bool,
    ) -> Self {
        FooterView {
            theme,
            git: GitBranch::new(&cwd),
            cwd,
            home,
            session_name: None,
            usage: UsageSummary::default(),
            context: None,
            auto_compact: true,
            model: None,
            thinking_level: ThinkingLevel::Off,
            provider_count: 0,
            experimental,
        }
    }

    pub(crate) fn set_theme(&mut self, theme: Theme) {
        self.theme = theme;
    }

    /// Follows a new session (at start and after the session changed hands); the figures
    /// that walk the whole session arrive later through [`FooterView::set_usage`] and
    /// [`FooterView::set_context`].
    pub(crate) fn reset(&mut self, session: &AgentSession, provider_count: usize) {
        self.usage = UsageSummary::default();
        self.context = None;
        self.provider_count = provider_count;
        let cwd = session.session().cwd().to_path_buf();
        if cwd != self.cwd {
            self.git = GitBranch::new(&cwd);
            self.cwd = cwd;
        }
        self.refresh(session);
    }

    /// Re-reads the cheap figures: name, model, thinking level, auto-compaction.
    pub(crate) fn refresh(&mut self, session: &AgentSession) {
        self.session_name = session.session().session_name().map(str::to_owned);
        self.model = session.model();
        self.thinking_level = session.thinking_level();
        self.auto_compact = session.auto_compaction_enabled();
    }

    /// The session's usage totals, added up from its file.
    pub(crate) fn set_usage(&mut self, usage: UsageSummary) {
        self.usage = usage;
    }

    /// How full the context is.
    pub(crate) fn set_context(&mut self, context: Option<ContextUsage>) {
        self.context = context;
    }

    /// Adds the usage of an answer that just ended.
    pub(crate) fn add_assistant(&mut self, assistant: &pi_ai::AssistantMessage) {
        self.usage.add_assistant(assistant);
    }

    /// Re-reads the git branch if it changed; whether it did.
    pub(crate) fn refresh_git(&mut self) -> bool {
        self.git.refresh()
    }
}

impl Component for FooterView {
    fn render(&mut self, width: usize) -> Vec<String> {
        let model = self.model.as_ref().map(|model| FooterModel {
            id: &model.id,
            provider: &model.provider,
            reasoning: model.reasoning,
            context_window: model.context_window,
        });
        let data = FooterData {
            git_branch: self.git.get(),
            session_name: self.session_name.as_deref(),
            usage: self.usage,
            context: self.context,
            auto_compact: self.auto_compact,
            experimental: self.experimental,
            model,
            thinking_level: self.thinking_level,
            available_provider_count: self.provider_count,
            ..FooterData::new(&self.cwd, self.home.as_deref())
        };
        render_footer(&data, &self.theme, width)
    }
}
