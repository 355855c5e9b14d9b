//! The listing of what pi loaded, drawn under the startup header: `[Context]` (the custom
//! system prompt, `APPEND_SYSTEM.md` files and `AGENTS.md` / `CLAUDE.md` files), `[Skills]`,
//! `[Prompts]` and `[Themes]` (custom themes only), each a compact comma list that expands
//! (with the tools-expand key) into paths grouped by scope; then the problems met while
//! loading skills, prompt templates and themes (`[Skill conflicts]`, `[Prompt conflicts]`,
//! `[Theme conflicts]`) in the warning colour, which do not expand.
//!
//! The caller fills a [`LoadedResources`] (or builds one with
//! [`LoadedResources::from_resources`]) and draws it with a [`LoadedResourcesView`].
//!
//! ```
//! use std::path::PathBuf;
//! use pi_coding_agent::interactive::loaded_resources::{
//!     LoadedResource, LoadedResources, LoadedResourcesView,
//! };
//! use pi_coding_agent::interactive::theme::{ColorMode, Theme};
//! use pi_coding_agent::resources::{ResourceScope, ResourceSource};
//! use pi_tui::Component;
//!
//! let resources = LoadedResources {
//!     skills: vec![LoadedResource {
//!         name: "review".into(),
//!         path: PathBuf::from("/home/ada/.pi/agent/skills/review/SKILL.md"),
//!         source: ResourceSource::Auto,
//!         scope: ResourceScope::User,
//!     }],
//!     ..LoadedResources::new("/home/ada/proj", "/home/ada")
//! };
//! let mut view = LoadedResourcesView::new(&resources, &Theme::dark(ColorMode::TrueColor), false);
//! let plain: Vec<String> = view.render(20).iter().map(|l| pi_tui::strip_ansi(l).trim_end().to_string()).collect();
//! assert_eq!(plain, ["[Skills]", "  review", ""]);
//! view.set_expanded(true);
//! let plain: Vec<String> = view.render(80).iter().map(|l| pi_tui::strip_ansi(l).trim_end().to_string()).collect();
//! assert_eq!(plain, ["[Skills]", "  user", "    ~/.pi/agent/skills/review/SKILL.md", ""]);
//! ```

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use pi_tui::Component;
use pi_tui::components::Text;

use super::theme::{Theme, ThemeCatalog, ThemeColor};
use crate::resources::{
    Diagnostic, DiagnosticKind, ResourceKind, ResourceScope, ResourceSource, Resources,
};

/// One loaded skill, prompt template or theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedResource {
    /// Its name (a prompt template's without the slash).
    pub name: String,
    /// Its file.
    pub path: PathBuf,
    /// Discovered or configured.
    pub source: ResourceSource,
    /// User, project or this run only.
    pub scope: ResourceScope,
}

/// What the listing shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedResources {
    /// The working directory (compact context paths are relative to it).
    pub cwd: PathBuf,
    /// The home directory (shown as `~`).
    pub home: PathBuf,
    /// The custom system prompt's file, the addenda's files, then the context files.
    pub context_files: Vec<PathBuf>,
    /// Skills.
    pub skills: Vec<LoadedResource>,
    /// Prompt templates.
    pub prompt_templates: Vec<LoadedResource>,
    /// Themes read from files (the built-in ones are not listed).
    pub themes: Vec<LoadedResource>,
    /// Problems met while loading skills, prompt templates and themes; others are ignored
    /// (pi prints those to stderr while loading).
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadedResources {
    /// Nothing loaded, for `cwd` and `home`.
    pub fn new(cwd: impl Into<PathBuf>, home: impl Into<PathBuf>) -> Self {
        LoadedResources {
            cwd: cwd.into(),
            home: home.into(),
            context_files: Vec::new(),
            skills: Vec::new(),
            prompt_templates: Vec::new(),
            themes: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// The listing of `resources`, the themes `catalog` loaded from files and the
    /// `diagnostics` of loading both. A theme's scope is not kept by the catalog, so it is
    /// told from where its file lies: in `<agent_dir>/themes` or `<cwd>/.pi/themes` it was
    /// discovered (user, project), elsewhere under the agent directory or `<cwd>/.pi` it was
    /// configured (user, project), anywhere else it was given for this run.
    pub fn from_resources(
        resources: &Resources,
        catalog: &ThemeCatalog,
        diagnostics: &[Diagnostic],
        agent_dir: &Path,
        home: &Path,
    ) -> Self {
        let context_files = resources
            .system_prompt
            .source
            .iter()
            .chain(&resources.append_system_prompt.sources)
            .cloned()
            .chain(resources.context_files.iter().map(|file| file.path.clone()))
            .collect();
        let skills = resources
            .skills
            .iter()
            .map(|skill| LoadedResource {
                name: skill.name.clone(),
                path: skill.file_path.clone(),
                source: skill.source_info.source,
                scope: skill.source_info.scope,
            })
            .collect();
        let prompt_templates = resources
            .prompt_templates
            .iter()
            .map(|template| LoadedResource {
                name: template.name.clone(),
                path: template.file_path.clone(),
                source: template.source_info.source,
                scope: template.source_info.scope,
            })
            .collect();
        let project_dir = resources.cwd.join(".pi");
        let themes = catalog
            .loaded()
            .map(|theme| {
                let (source, scope) = theme_origin(&theme.path, agent_dir, &project_dir);
                LoadedResource {
                    name: theme.file.name().to_owned(),
                    path: theme.path.clone(),
                    source,
                    scope,
                }
            })
            .collect();
        LoadedResources {
            cwd: resources.cwd.clone(),
            home: home.to_path_buf(),
            context_files,
            skills,
            prompt_templates,
            themes,
            diagnostics: diagnostics
                .iter()
                .filter(|d| conflict_section(d.resource).is_some())
                .cloned()
                .collect(),
        }
    }
}

/// Where a theme file came from, told from its place (see
/// [`LoadedResources::from_resources`]).
fn theme_origin(
    path: &Path,
    agent_dir: &Path,
    project_dir: &Path,
) -> (ResourceSource, ResourceScope) {
    let parent = path.parent();
    if parent == Some(agent_dir.join("themes").as_path()) {
        (ResourceSource::Auto, ResourceScope::User)
    } else if parent == Some(project_dir.join("themes").as_path()) {
        (ResourceSource::Auto, ResourceScope::Project)
    } else if path.starts_with(project_dir) {
        (ResourceSource::Local, ResourceScope::Project)
    } else if path.starts_with(agent_dir) {
        (ResourceSource::Local, ResourceScope::User)
    } else {
        (ResourceSource::Local, ResourceScope::Temporary)
    }
}

/// The header of the section listing a kind's problems, if the listing shows them.
fn conflict_section(kind: ResourceKind) -> Option<&'static str> {
    match kind {
        ResourceKind::Skill => Some("[Skill conflicts]"),
        ResourceKind::PromptTemplate => Some("[Prompt conflicts]"),
        ResourceKind::Theme => Some("[Theme conflicts]"),
        ResourceKind::ContextFile
        | ResourceKind::SystemPrompt
        | ResourceKind::AppendSystemPrompt => None,
    }
}

/// One section: its text collapsed and, for the loaded resources, expanded.
struct Section {
    collapsed: String,
    expanded: Option<String>,
    text: Text,
}

/// The listing as a component: each section followed by an empty row, and an empty row
/// before all when context files are listed (as pi spaces it).
pub struct LoadedResourcesView {
    leading_row: bool,
    sections: Vec<Section>,
}

impl LoadedResourcesView {
    /// The listing of `resources` styled with `theme`, expanded or not.
    pub fn new(resources: &LoadedResources, theme: &Theme, expanded: bool) -> Self {
        let paths = PathDisplay {
            cwd: &resources.cwd,
            home: resources.home.to_string_lossy(),
        };
        let mut sections = Vec::new();
        let mut loaded = |name: &str, collapsed: String, expanded: String| {
            let header = theme.fg(ThemeColor::MdHeading, &format!("[{name}]"));
            sections.push(Section {
                collapsed: format!("{header}\n{collapsed}"),
                expanded: Some(format!("{header}\n{expanded}")),
                text: Text::with_padding("", 0, 0),
            });
        };
        let leading_row = !resources.context_files.is_empty();
        if leading_row {
            let compact = resources
                .context_files
                .iter()
                .map(|path| paths.context(path))
                .collect();
            let full = resources
                .context_files
                .iter()
                .map(|path| theme.fg(ThemeColor::Dim, &format!("  {}", paths.display(path))))
                .collect::<Vec<_>>()
                .join("\n");
            loaded("Context", compact_list(theme, compact, false), full);
        }
        if !resources.skills.is_empty() {
            let names = resources.skills.iter().map(|s| s.name.clone()).collect();
            let groups = scope_groups(&resources.skills, theme, |s| paths.display(&s.path));
            loaded("Skills", compact_list(theme, names, true), groups);
        }
        if !resources.prompt_templates.is_empty() {
            let templates = &resources.prompt_templates;
            let names = templates.iter().map(|t| format!("/{}", t.name)).collect();
            let groups = scope_groups(templates, theme, |t| format!("/{}", t.name));
            loaded("Prompts", compact_list(theme, names, true), groups);
        }
        if !resources.themes.is_empty() {
            let names = resources.themes.iter().map(|t| t.name.clone()).collect();
            let groups = scope_groups(&resources.themes, theme, |t| paths.display(&t.path));
            loaded("Themes", compact_list(theme, names, true), groups);
        }
        let origins = Origins::of(resources);
        for kind in [
            ResourceKind::Skill,
            ResourceKind::PromptTemplate,
            ResourceKind::Theme,
        ] {
            let of_kind: Vec<&Diagnostic> = resources
                .diagnostics
                .iter()
                .filter(|d| d.resource == kind)
                .collect();
            let Some(title) = conflict_section(kind) else {
                continue;
            };
            if of_kind.is_empty() {
                continue;
            }
            let body = diagnostic_lines(&of_kind, theme, &paths, &origins);
            sections.push(Section {
                collapsed: format!("{}\n{body}", theme.fg(ThemeColor::Warning, title)),
                expanded: None,
                text: Text::with_padding("", 0, 0),
            });
        }
        let mut view = LoadedResourcesView {
            leading_row,
            sections,
        };
        view.set_expanded(expanded);
        view
    }

    /// Shows the loaded resources as grouped paths (`true`) or compact lists.
    pub fn set_expanded(&mut self, expanded: bool) {
        for section in &mut self.sections {
            let text = match (&section.expanded, expanded) {
                (Some(full), true) => full,
                _ => &section.collapsed,
            };
            section.text.set_text(text.clone());
        }
    }

    /// Whether there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }
}

impl std::fmt::Debug for LoadedResourcesView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedResourcesView")
            .field("leading_row", &self.leading_row)
            .field("sections", &self.sections.len())
            .finish()
    }
}

impl Component for LoadedResourcesView {
    fn render(&mut self, width: usize) -> Vec<String> {
        let mut lines = Vec::new();
        if self.leading_row {
            lines.push(String::new());
        }
        for section in &mut self.sections {
            lines.extend(section.text.render(width));
            lines.push(String::new());
        }
        lines
    }

    fn invalidate(&mut self) {
        for section in &mut self.sections {
            section.text.invalidate();
        }
    }
}

/// How paths are shown: the home directory as `~`, context files relative to the working
/// directory when inside it.
struct PathDisplay<'a> {
    cwd: &'a Path,
    home: std::borrow::Cow<'a, str>,
}

impl PathDisplay<'_> {
    /// `path` with a leading home directory replaced by `~`. Like pi, this compares text,
    /// not path components.
    fn display(&self, path: &Path) -> String {
        let text = path.to_string_lossy();
        match text.strip_prefix(self.home.as_ref()) {
            Some(rest) if !self.home.is_empty() => format!("~{rest}"),
            _ => text.into_owned(),
        }
    }

    /// A context file as its compact list shows it: relative to the working directory
    /// (`.` for the directory itself), else as [`Self::display`] does.
    fn context(&self, path: &Path) -> String {
        let absolute = self.cwd.join(path);
        match absolute.strip_prefix(self.cwd) {
            Ok(relative) if relative.as_os_str().is_empty() => ".".to_owned(),
            Ok(relative) => relative.to_string_lossy().into_owned(),
            Err(_) => self.display(&absolute),
        }
    }
}

/// Close to JavaScript's `localeCompare` for names and paths: case does not decide first,
/// and punctuation sorts before digits and letters. (A full collator costs more at startup
/// than these few short lists are worth.)
fn locale_order(a: &str, b: &str) -> Ordering {
    a.to_lowercase()
        .cmp(&b.to_lowercase())
        .then_with(|| a.cmp(b))
}

/// Labels on one dim line, blanks dropped, sorted unless the order means something.
fn compact_list(theme: &Theme, labels: Vec<String>, sort: bool) -> String {
    let mut labels: Vec<&str> = labels
        .iter()
        .map(|label| label.trim())
        .filter(|label| !label.is_empty())
        .collect();
    if sort {
        labels.sort_by(|a, b| locale_order(a, b));
    }
    theme.fg(ThemeColor::Dim, &format!("  {}", labels.join(", ")))
}

/// The scope group a resource is listed under: `project`, `user`, or `path` for those
/// given for this run.
fn scope_group(scope: ResourceScope) -> usize {
    match scope {
        ResourceScope::Project => 0,
        ResourceScope::User => 1,
        ResourceScope::Temporary => 2,
    }
}

/// Resources under their scope's name (project, user, path), each group sorted by path.
fn scope_groups(
    items: &[LoadedResource],
    theme: &Theme,
    label: impl Fn(&LoadedResource) -> String,
) -> String {
    let mut lines = Vec::new();
    for (group, name) in ["project", "user", "path"].into_iter().enumerate() {
        let mut members: Vec<&LoadedResource> = items
            .iter()
            .filter(|item| scope_group(item.scope) == group)
            .collect();
        if members.is_empty() {
            continue;
        }
        members.sort_by(|a, b| locale_order(&a.path.to_string_lossy(), &b.path.to_string_lossy()));
        lines.push(format!("  {}", theme.fg(ThemeColor::Accent, name)));
        for item in members {
            lines.push(theme.fg(ThemeColor::Dim, &format!("    {}", label(item))));
        }
    }
    lines.join("\n")
}

/// Where each loaded resource came from, by path (a later one of a path wins, as in pi's
/// map).
struct Origins<'a>(IndexMap<&'a Path, (ResourceSource, ResourceScope)>);

impl<'a> Origins<'a> {
    fn of(resources: &'a LoadedResources) -> Self {
        let all = resources
            .skills
            .iter()
            .chain(&resources.prompt_templates)
            .chain(&resources.themes);
        Origins(
            all.map(|item| (item.path.as_path(), (item.source, item.scope)))
                .collect(),
        )
    }

    /// The origin of `path` or of the nearest directory above it that has one.
    fn find(&self, path: &Path) -> Option<(ResourceSource, ResourceScope)> {
        path.ancestors()
            .filter(|dir| !dir.as_os_str().is_empty() && dir.parent().is_some())
            .find_map(|dir| self.0.get(dir).copied())
    }
}

/// `path` with where it came from: `auto (user) ~/…`, `user ~/…`, `path (temp) …`, or just
/// the path when it is not a loaded resource.
fn path_with_origin(path: &Path, paths: &PathDisplay<'_>, origins: &Origins<'_>) -> String {
    let shown = paths.display(path);
    let Some((source, scope)) = origins.find(path) else {
        return shown;
    };
    let label = match (source, scope) {
        (ResourceSource::Local, ResourceScope::User) => "user",
        (ResourceSource::Local, ResourceScope::Project) => "project",
        (ResourceSource::Local, ResourceScope::Temporary) => "path (temp)",
        (ResourceSource::Auto, ResourceScope::User) => "auto (user)",
        (ResourceSource::Auto, ResourceScope::Project) => "auto (project)",
        (ResourceSource::Auto, ResourceScope::Temporary) => "auto (temp)",
    };
    format!("{label} {shown}")
}

/// The lines of one kind's problems: collisions grouped by name (the kept file with a tick,
/// each skipped one with a cross), then the others with their path.
fn diagnostic_lines(
    diagnostics: &[&Diagnostic],
    theme: &Theme,
    paths: &PathDisplay<'_>,
    origins: &Origins<'_>,
) -> String {
    let mut collisions: IndexMap<&str, Vec<&Diagnostic>> = IndexMap::new();
    let mut others = Vec::new();
    for &diagnostic in diagnostics {
        match &diagnostic.collision {
            Some(collision) if diagnostic.kind == DiagnosticKind::Collision => collisions
                .entry(collision.name.as_str())
                .or_default()
                .push(diagnostic),
            _ => others.push(diagnostic),
        }
    }
    let mut lines = Vec::new();
    for (name, group) in &collisions {
        let Some(first) = group.first().and_then(|d| d.collision.as_ref()) else {
            continue;
        };
        lines.push(theme.fg(ThemeColor::Warning, &format!("  \"{name}\" collision:")));
        let winner = path_with_origin(&first.winner_path, paths, origins);
        let tick = theme.fg(ThemeColor::Success, "✓");
        lines.push(theme.fg(ThemeColor::Dim, &format!("    {tick} {winner}")));
        let cross = theme.fg(ThemeColor::Warning, "✗");
        for collision in group.iter().filter_map(|d| d.collision.as_ref()) {
            let loser = path_with_origin(&collision.loser_path, paths, origins);
            lines.push(theme.fg(ThemeColor::Dim, &format!("    {cross} {loser} (skipped)")));
        }
    }
    for diagnostic in others {
        let color = match diagnostic.kind {
            DiagnosticKind::Error => ThemeColor::Error,
            DiagnosticKind::Warning | DiagnosticKind::Collision => ThemeColor::Warning,
        };
        match &diagnostic.path {
            Some(path) => {
                let shown = path_with_origin(path, paths, origins);
                lines.push(theme.fg(color, &format!("  {shown}")));
                lines.push(theme.fg(color, &format!("    {}", diagnostic.message)));
            }
            None => lines.push(theme.fg(color, &format!("  {}", diagnostic.message))),
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths() -> PathDisplay<'static> {
        PathDisplay {
            cwd: Path::new("/home/ada/proj"),
            home: "/home/ada".into(),
        }
    }

    #[test]
    fn home_is_replaced_as_text_like_pi() {
        let paths = paths();
        assert_eq!(paths.display(Path::new("/home/ada/x.md")), "~/x.md");
        // pi compares the text, so a sibling directory sharing the prefix is shortened too.
        assert_eq!(paths.display(Path::new("/home/ada2/x.md")), "~2/x.md");
        assert_eq!(paths.display(Path::new("/etc/x.md")), "/etc/x.md");
    }

    #[test]
    fn context_paths_are_relative_inside_the_working_directory() {
        let paths = paths();
        assert_eq!(
            paths.context(Path::new("/home/ada/proj/AGENTS.md")),
            "AGENTS.md"
        );
        assert_eq!(paths.context(Path::new("/home/ada/proj")), ".");
        assert_eq!(
            paths.context(Path::new("/home/ada/AGENTS.md")),
            "~/AGENTS.md"
        );
        assert_eq!(paths.context(Path::new("sub/AGENTS.md")), "sub/AGENTS.md");
    }

    #[test]
    fn theme_origins_follow_their_place() {
        let agent = Path::new("/home/ada/.pi/agent");
        let project = Path::new("/home/ada/proj/.pi");
        let origin = |p: &str| theme_origin(Path::new(p), agent, project);
        assert_eq!(
            origin("/home/ada/.pi/agent/themes/a.json"),
            (ResourceSource::Auto, ResourceScope::User)
        );
        assert_eq!(
            origin("/home/ada/proj/.pi/themes/a.json"),
            (ResourceSource::Auto, ResourceScope::Project)
        );
        assert_eq!(
            origin("/home/ada/proj/.pi/more/a.json"),
            (ResourceSource::Local, ResourceScope::Project)
        );
        assert_eq!(
            origin("/tmp/a.json"),
            (ResourceSource::Local, ResourceScope::Temporary)
        );
    }
}
