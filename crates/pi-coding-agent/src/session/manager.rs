//! The session manager: one session as an append-only tree with a movable leaf.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use pi_agent_core::AgentMessage;
use pi_ai::{SystemMessage, Usage};
use serde_json::Value;

use super::SessionError;
use super::context::{self, SessionContext, SessionProjection};
use super::entry::{
    BranchSummaryEntry, CURRENT_SESSION_VERSION, CompactionEntry, CustomMessageEntry, EntryKind,
    SessionEntry, SessionHeader, UsageEntry,
};
use super::index::{Index, Indexed, NodeKind, Role, indexed_entry, skim};
use super::lines::{for_each_line, is_blank, parse_lossy};
use super::migrate;
use super::paths::{
    self, SessionLocation, assert_valid_session_id, new_entry_id, new_session_file, new_session_id,
    resolve_path,
};
use super::store::{LockedFile, Span, Store};
use super::time::{now_iso, parse_iso_ms};

/// Options for a new session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewSessionOptions {
    /// A chosen id (checked with [`assert_valid_session_id`]); a UUID v7 otherwise.
    pub id: Option<String>,
    /// The session this one continues.
    pub parent_session: Option<String>,
}

/// One session: its header, the index of its entries and the current leaf.
///
/// Every `append_*` adds a child of the leaf and moves the leaf to it. A persisted session's
/// file is created with the first assistant message (holding everything before it) and then
/// grows by one line per entry; nothing already written is ever rewritten, except by a
/// format migration, which keeps the original as a backup.
#[derive(Debug)]
pub struct SessionManager {
    cwd: PathBuf,
    session_dir: PathBuf,
    session_file: Option<PathBuf>,
    persist: bool,
    header: SessionHeader,
    index: Index,
    leaf: Option<usize>,
    store: Store,
}

/// A session's tree: every entry once, children in timestamp order.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionTree {
    /// The nodes, in file order.
    pub nodes: Vec<TreeNode>,
    /// Positions in `nodes` of the roots (entries without a parent, or whose parent is
    /// missing).
    pub roots: Vec<usize>,
}

/// One entry of a [`SessionTree`].
#[derive(Debug, Clone, PartialEq)]
pub struct TreeNode {
    /// The entry.
    pub entry: SessionEntry,
    /// Positions in [`SessionTree::nodes`] of its children, oldest first.
    pub children: Vec<usize>,
    /// Its label, if it has one.
    pub label: Option<String>,
    /// When the label was last changed.
    pub label_timestamp: Option<String>,
}

impl SessionManager {
    /// A new session for `cwd`, stored under `location` (the file appears with the first
    /// assistant message).
    pub fn create(
        cwd: &Path,
        location: &SessionLocation,
        options: NewSessionOptions,
    ) -> Result<Self, SessionError> {
        let dir = location.dir_for(cwd);
        std::fs::create_dir_all(&dir).map_err(|err| SessionError::io(&dir, err))?;
        let mut manager = Self::empty(cwd, dir, true);
        manager.new_session(options)?;
        Ok(manager)
    }

    /// A session that is never written to disk.
    pub fn in_memory(cwd: &Path, options: NewSessionOptions) -> Result<Self, SessionError> {
        let mut manager = Self::empty(cwd, PathBuf::new(), false);
        manager.new_session(options)?;
        Ok(manager)
    }

    /// A session that is never written to disk, holding `entries` (version 3 JSON entries,
    /// optionally led by a header).
    pub fn in_memory_with_entries(
        cwd: &Path,
        entries: impl IntoIterator<Item = Value>,
    ) -> Result<Self, SessionError> {
        let mut manager = Self::in_memory(cwd, NewSessionOptions::default())?;
        let mut header = manager.header.clone();
        let mut lines = Vec::new();
        for entry in entries {
            match entry.get("type").and_then(Value::as_str) {
                Some("session") => {
                    if let Some(found) = SessionHeader::from_value(entry) {
                        header = found;
                    }
                }
                _ => lines.push(json_line(&entry).into_bytes()),
            }
        }
        manager.replace(header, None, lines, false)?;
        Ok(manager)
    }

    /// Opens the session at `path` (a missing file starts a new session bound to that path).
    /// The session's directory is `session_dir`, or the file's; its cwd is the header's
    /// unless `cwd_override` is given.
    pub fn open(
        path: &Path,
        session_dir: Option<&Path>,
        cwd_override: Option<&Path>,
    ) -> Result<Self, SessionError> {
        let process_cwd = std::env::current_dir().unwrap_or_default();
        let path = resolve_path(path, &process_cwd);
        let dir = match session_dir {
            Some(dir) => dir.to_path_buf(),
            None => path.parent().map(Path::to_path_buf).unwrap_or_default(),
        };
        let mut manager = Self::empty(cwd_override.unwrap_or(&process_cwd), dir, true);
        manager.set_session_file(&path)?;
        // The header read while loading names the session's directory.
        if cwd_override.is_none() && !manager.header.cwd.is_empty() {
            manager.cwd = PathBuf::from(&manager.header.cwd);
        }
        Ok(manager)
    }

    /// The session `--continue` resumes: the most recent one of `cwd`, or a new one.
    pub fn continue_recent(cwd: &Path, location: &SessionLocation) -> Result<Self, SessionError> {
        let dir = location.dir_for(cwd);
        std::fs::create_dir_all(&dir).map_err(|err| SessionError::io(&dir, err))?;
        let filter = location.filters_cwd(cwd).then_some(cwd);
        let mut manager = Self::empty(cwd, dir.clone(), true);
        match paths::find_most_recent_session(&dir, filter) {
            Some(recent) => manager.set_session_file(&recent)?,
            None => manager.new_session(NewSessionOptions::default())?,
        }
        Ok(manager)
    }

    fn empty(cwd: &Path, session_dir: PathBuf, persist: bool) -> Self {
        SessionManager {
            cwd: cwd.to_path_buf(),
            session_dir,
            session_file: None,
            persist,
            header: SessionHeader {
                version: Some(CURRENT_SESSION_VERSION),
                id: String::new(),
                timestamp: String::new(),
                cwd: cwd.to_string_lossy().into_owned(),
                parent_session: None,
                extra: Default::default(),
            },
            index: Index::default(),
            leaf: None,
            store: Store::memory(),
        }
    }

    /// Starts a new, empty session (`/new`): a new header and, when persisted, a new file name
    /// in the same directory.
    pub fn new_session(&mut self, options: NewSessionOptions) -> Result<(), SessionError> {
        if let Some(id) = &options.id {
            assert_valid_session_id(id)?;
        }
        let id = options.id.unwrap_or_else(new_session_id);
        let (timestamp, file) = new_session_file(&self.session_dir, &id);
        self.start(SessionHeader {
            version: Some(CURRENT_SESSION_VERSION),
            id,
            timestamp,
            cwd: self.cwd.to_string_lossy().into_owned(),
            parent_session: options.parent_session,
            extra: Default::default(),
        })?;
        self.session_file = self.persist.then_some(file);
        Ok(())
    }

    /// Resets to `header` with no entries, buffered in memory.
    fn start(&mut self, header: SessionHeader) -> Result<(), SessionError> {
        let mut store = Store::memory();
        store.append(json_line(&header.to_value()).as_bytes())?;
        self.header = header;
        self.index = Index::default();
        self.leaf = None;
        self.store = store;
        Ok(())
    }

    /// Switches to the session file at `path` (resume): loads it, migrating an older format,
    /// or binds a new session to it if it does not exist.
    pub fn set_session_file(&mut self, path: &Path) -> Result<(), SessionError> {
        let path = resolve_path(path, &self.cwd);
        if !path.exists() {
            self.new_session(NewSessionOptions::default())?;
            self.session_file = Some(path);
            return Ok(());
        }
        // The lock is taken before reading, so that no other pi writes (or migrates) the file
        // while this one loads it.
        let mut file = LockedFile::open(&path)?;
        let mut loaded = load(file.file(), &path)?;
        if let Loaded::NeedsMigration(version) = loaded {
            migrate::migrate_file(&path, version)?;
            file = LockedFile::open(&path)?;
            loaded = load(file.file(), &path)?;
        }
        let loaded = match loaded {
            Loaded::Session(loaded) => loaded,
            Loaded::Empty => {
                // An empty file becomes a session at once, as pi makes it.
                self.new_session(NewSessionOptions::default())?;
                let mut store = Store::File(file);
                store.append(json_line(&self.header.to_value()).as_bytes())?;
                self.store = store;
                self.session_file = Some(path);
                return Ok(());
            }
            Loaded::NeedsMigration(_) | Loaded::NotASession => {
                return Err(SessionError::NotASession(path));
            }
        };
        file.set_needs_newline(!loaded.ends_with_newline);
        self.store = Store::File(file);
        self.header = loaded.header;
        self.leaf = loaded.index.nodes.len().checked_sub(1);
        self.index = loaded.index;
        self.session_file = Some(path);
        Ok(())
    }

    /// Whether the session is written to disk.
    pub fn is_persisted(&self) -> bool {
        self.persist
    }

    /// The session's working directory.
    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// The directory new sessions (`/new`, `/fork`) go to.
    pub fn session_dir(&self) -> &Path {
        &self.session_dir
    }

    /// The session id.
    pub fn session_id(&self) -> &str {
        &self.header.id
    }

    /// The session file (which may not exist yet); `None` for in-memory sessions.
    pub fn session_file(&self) -> Option<&Path> {
        self.session_file.as_deref()
    }

    /// The header.
    pub fn header(&self) -> &SessionHeader {
        &self.header
    }

    /// The number of entries.
    pub fn entry_count(&self) -> usize {
        self.index.nodes.len()
    }

    /// The session's name: the latest `session_info` entry's, if not empty.
    pub fn session_name(&self) -> Option<&str> {
        self.index.name.as_deref()
    }

    /// The leaf's id (`None` before the first entry, or after [`Self::reset_leaf`]).
    pub fn leaf_id(&self) -> Option<&str> {
        self.leaf.map(|at| &*self.index.nodes[at].id)
    }

    /// The leaf entry.
    pub fn leaf_entry(&self) -> Result<Option<SessionEntry>, SessionError> {
        self.leaf.map(|at| self.read(at)).transpose()
    }

    /// The entry with `id`.
    pub fn entry(&self, id: &str) -> Result<Option<SessionEntry>, SessionError> {
        self.index.position(id).map(|at| self.read(at)).transpose()
    }

    /// The entry's label.
    pub fn label(&self, id: &str) -> Option<&str> {
        self.index.labels.get(id).map(|state| state.label.as_str())
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> Result<Vec<SessionEntry>, SessionError> {
        (0..self.index.nodes.len())
            .map(|at| self.read(at))
            .collect()
    }

    /// The direct children of `parent_id`, in file order.
    pub fn children(&self, parent_id: &str) -> Result<Vec<SessionEntry>, SessionError> {
        (0..self.index.nodes.len())
            .filter(|&at| self.index.nodes[at].parent.as_deref() == Some(parent_id))
            .map(|at| self.read(at))
            .collect()
    }

    /// The entries from the root to `from_id` (to the leaf when `None`).
    pub fn branch_entries(&self, from_id: Option<&str>) -> Result<Vec<SessionEntry>, SessionError> {
        let start = match from_id {
            Some(id) => self.index.position(id),
            None => self.leaf,
        };
        let path = start.map_or_else(Vec::new, |at| self.index.path_to(at));
        path.into_iter().map(|at| self.read(at)).collect()
    }

    /// The whole tree. Entries whose parent is missing become roots.
    pub fn tree(&self) -> Result<SessionTree, SessionError> {
        let mut nodes = Vec::with_capacity(self.index.nodes.len());
        for (at, node) in self.index.nodes.iter().enumerate() {
            let label = self.index.labels.get(&*node.id);
            nodes.push(TreeNode {
                entry: self.read(at)?,
                children: Vec::new(),
                label: label.map(|state| state.label.clone()),
                label_timestamp: label.map(|state| state.timestamp.clone()),
            });
        }
        let mut roots = Vec::new();
        for (at, node) in self.index.nodes.iter().enumerate() {
            let parent = node
                .parent
                .as_deref()
                .filter(|parent| *parent != &*node.id)
                .and_then(|parent| self.index.position(parent));
            match parent {
                Some(parent) => nodes[parent].children.push(at),
                None => roots.push(at),
            }
        }
        let time = |at: usize| parse_iso_ms(&self.index.nodes[at].timestamp).unwrap_or(0);
        for node in &mut nodes {
            node.children.sort_by_key(|&child| time(child));
        }
        Ok(SessionTree { nodes, roots })
    }

    /// Moves the leaf to `id`: the next entry continues from there, on a new branch.
    pub fn branch(&mut self, id: &str) -> Result<(), SessionError> {
        let at = self
            .index
            .position(id)
            .ok_or_else(|| SessionError::EntryNotFound(id.to_string()))?;
        self.leaf = Some(at);
        Ok(())
    }

    /// Clears the leaf: the next entry is a new root.
    pub fn reset_leaf(&mut self) {
        self.leaf = None;
    }

    /// Moves the leaf to `id` (or before the first entry) and appends a summary of the
    /// branch being left there.
    pub fn branch_with_summary(
        &mut self,
        id: Option<&str>,
        summary: &str,
        details: Option<Value>,
        from_hook: Option<bool>,
        usage: Option<Usage>,
    ) -> Result<String, SessionError> {
        let target = match id {
            Some(id) => Some(
                self.index
                    .position(id)
                    .ok_or_else(|| SessionError::EntryNotFound(id.to_string()))?,
            ),
            None => None,
        };
        let from_id = self.leaf_id().unwrap_or("root").to_string();
        self.leaf = target;
        self.append(EntryKind::BranchSummary(BranchSummaryEntry {
            from_id,
            summary: summary.to_string(),
            details,
            usage,
            from_hook,
        }))
    }

    /// Appends a transcript message. Compaction and branch summaries have their own entries
    /// ([`Self::append_compaction`], [`Self::branch_with_summary`]).
    pub fn append_message(&mut self, message: &AgentMessage) -> Result<String, SessionError> {
        self.append(EntryKind::Message(Box::new(message.clone())))
    }

    /// Appends a thinking-level change.
    pub fn append_thinking_level_change(&mut self, level: &str) -> Result<String, SessionError> {
        self.append(EntryKind::ThinkingLevelChange {
            thinking_level: level.to_string(),
        })
    }

    /// Appends a model change.
    pub fn append_model_change(
        &mut self,
        provider: &str,
        model_id: &str,
    ) -> Result<String, SessionError> {
        self.append(EntryKind::ModelChange {
            provider: provider.to_string(),
            model_id: model_id.to_string(),
        })
    }

    /// Appends usage that is not part of the transcript (cache warming, ...).
    pub fn append_usage(&mut self, usage: UsageEntry) -> Result<String, SessionError> {
        self.append(EntryKind::Usage(usage))
    }

    /// Appends a compaction. Without `first_kept_entry_id` it keeps nothing from before it.
    /// The system prompt and tools in effect are stored with it.
    pub fn append_compaction(
        &mut self,
        summary: &str,
        first_kept_entry_id: Option<&str>,
        tokens_before: u64,
        details: Option<Value>,
        from_hook: Option<bool>,
        usage: Option<Usage>,
    ) -> Result<String, SessionError> {
        let timestamp = now_iso();
        let messages = self.build_session_context()?.messages;
        let system_message: Option<SystemMessage> = pi_ai::current_system_message(
            messages.iter().filter_map(AgentMessage::as_llm),
        )
        .map(|mut system| {
            system.timestamp = parse_iso_ms(&timestamp).unwrap_or(system.timestamp);
            system
        });
        let id = self.new_id();
        let entry = SessionEntry {
            parent_id: self.leaf_id().map(str::to_string),
            timestamp,
            kind: EntryKind::Compaction(Box::new(CompactionEntry {
                summary: summary.to_string(),
                first_kept_entry_id: first_kept_entry_id.map_or_else(|| id.clone(), str::to_string),
                tokens_before,
                details,
                usage,
                from_hook,
                system_message,
            })),
            id,
            extra: Default::default(),
        };
        self.append_entry(entry)
    }

    /// Appends extension state (never part of the context).
    pub fn append_custom_entry(
        &mut self,
        custom_type: &str,
        data: Option<Value>,
    ) -> Result<String, SessionError> {
        self.append(EntryKind::Custom {
            custom_type: custom_type.to_string(),
            data,
        })
    }

    /// Appends an extension's message (part of the context as a user message).
    pub fn append_custom_message_entry(
        &mut self,
        custom_type: &str,
        content: Value,
        display: bool,
        details: Option<Value>,
    ) -> Result<String, SessionError> {
        self.append(EntryKind::CustomMessage(CustomMessageEntry {
            custom_type: custom_type.to_string(),
            content,
            display,
            details,
        }))
    }

    /// Names the session (line breaks become spaces; an empty name clears it).
    pub fn append_session_info(&mut self, name: &str) -> Result<String, SessionError> {
        let mut clean = String::with_capacity(name.len());
        let mut in_break = false;
        for c in name.chars() {
            let is_break = matches!(c, '\r' | '\n');
            if is_break && !in_break {
                clean.push(' ');
            } else if !is_break {
                clean.push(c);
            }
            in_break = is_break;
        }
        self.append(EntryKind::SessionInfo {
            name: Some(clean.trim().to_string()),
        })
    }

    /// Sets (or, with `None` or an empty label, clears) the label of entry `target_id`.
    pub fn append_label_change(
        &mut self,
        target_id: &str,
        label: Option<&str>,
    ) -> Result<String, SessionError> {
        if self.index.position(target_id).is_none() {
            return Err(SessionError::EntryNotFound(target_id.to_string()));
        }
        self.append(EntryKind::Label {
            target_id: target_id.to_string(),
            label: label.map(str::to_string),
        })
    }

    /// Replaces (or, with `None`, hides) an earlier entry's content in the model's context,
    /// on this branch. A string replacement for an assistant or tool result becomes one text
    /// block.
    pub fn append_context_edit(
        &mut self,
        target_id: &str,
        replacement: Option<Value>,
    ) -> Result<String, SessionError> {
        if let Some(content) = &replacement
            && !content.is_string()
            && !content.is_array()
        {
            return Err(SessionError::InvalidReplacement);
        }
        let at = self
            .index
            .position(target_id)
            .ok_or_else(|| SessionError::EntryNotFound(target_id.to_string()))?;
        let on_branch = self
            .leaf
            .is_some_and(|leaf| self.index.path_to(leaf).contains(&at));
        if !on_branch {
            return Err(SessionError::NotOnBranch(target_id.to_string()));
        }
        let role = match self.index.nodes[at].kind {
            NodeKind::CustomMessage => Role::Other,
            NodeKind::Message(role @ (Role::User | Role::Assistant | Role::ToolResult)) => role,
            _ => return Err(SessionError::NotEditable(target_id.to_string())),
        };
        let replacement = match (role, replacement) {
            (Role::Assistant | Role::ToolResult, Some(Value::String(text))) => {
                Some(serde_json::json!([{"type": "text", "text": text}]))
            }
            (_, replacement) => replacement,
        };
        self.append(EntryKind::ContextEdit {
            target_id: target_id.to_string(),
            replacement,
        })
    }

    /// The entries the context is built from (see [`SessionProjection`]).
    pub fn build_context_entries(&self) -> Result<Vec<SessionEntry>, SessionError> {
        self.context_positions()?
            .into_iter()
            .map(|at| self.read(at))
            .collect()
    }

    /// Whether the current branch holds a thinking-level change (from the index alone: no
    /// entry is read).
    pub fn branch_sets_thinking_level(&self) -> bool {
        self.path()
            .into_iter()
            .any(|at| self.index.nodes[at].kind == NodeKind::ThinkingLevelChange)
    }

    /// The context with the entry behind each message.
    pub fn build_session_projection(&self) -> Result<SessionProjection, SessionError> {
        let path = self.path();
        let (thinking_level, model) = context::path_settings(&self.index, &path);
        let entries = self.build_context_entries()?;
        Ok(SessionProjection {
            entries: context::project(entries),
            thinking_level,
            model,
        })
    }

    /// What the model sees: the messages of the current branch, compaction and context edits
    /// applied, with the model and thinking level the branch last chose.
    ///
    /// Entries are read one at a time and their messages moved into the context, so a long
    /// history is held once.
    pub fn build_session_context(&self) -> Result<SessionContext, SessionError> {
        let path = self.path();
        let (thinking_level, model) = context::path_settings(&self.index, &path);
        let positions = self.context_positions()?;
        let mut edits = HashMap::new();
        for &at in &positions {
            if self.index.nodes[at].kind == NodeKind::ContextEdit
                && let EntryKind::ContextEdit {
                    target_id,
                    replacement,
                } = self.read(at)?.kind
            {
                edits.insert(target_id, replacement);
            }
        }
        let mut messages = Vec::with_capacity(positions.len());
        for (position, &at) in positions.iter().enumerate() {
            let entry = self.read(at)?;
            messages.extend(context::project_entry(entry, position, &edits));
        }
        Ok(SessionContext {
            messages,
            thinking_level,
            model,
        })
    }

    fn path(&self) -> Vec<usize> {
        self.leaf
            .map_or_else(Vec::new, |leaf| self.index.path_to(leaf))
    }

    fn context_positions(&self) -> Result<Vec<usize>, SessionError> {
        let path = self.path();
        let mut failure = None;
        let selected = context::select_context(&self.index, &path, |compaction| {
            match self.read(compaction) {
                Ok(SessionEntry {
                    kind: EntryKind::Compaction(compaction),
                    ..
                }) => Some(compaction.first_kept_entry_id),
                Ok(_) => None,
                Err(err) => {
                    failure = Some(err);
                    None
                }
            }
        });
        match failure {
            Some(err) => Err(err),
            None => Ok(selected),
        }
    }

    pub(crate) fn read(&self, at: usize) -> Result<SessionEntry, SessionError> {
        let node = &self.index.nodes[at];
        let line = self.store.read(node.span)?;
        let entry = SessionEntry::from_line(&line).ok_or(SessionError::Changed)?;
        if entry.id != *node.id {
            return Err(SessionError::Changed);
        }
        Ok(entry)
    }

    /// The raw line of the entry at `at` (for copies that must keep every byte).
    pub(crate) fn raw_line(&self, at: usize) -> Result<Vec<u8>, SessionError> {
        self.store.read(self.index.nodes[at].span)
    }

    pub(crate) fn index(&self) -> &Index {
        &self.index
    }

    fn new_id(&self) -> String {
        new_entry_id(|id| self.index.position(id).is_some())
    }

    fn append(&mut self, kind: EntryKind) -> Result<String, SessionError> {
        let entry = SessionEntry {
            id: self.new_id(),
            parent_id: self.leaf_id().map(str::to_string),
            timestamp: now_iso(),
            kind,
            extra: Default::default(),
        };
        self.append_entry(entry)
    }

    fn append_entry(&mut self, entry: SessionEntry) -> Result<String, SessionError> {
        let line = json_line(&entry.to_value());
        let span = self.store.append(line.as_bytes())?;
        self.push(indexed_entry(&entry, span));
        self.flush_if_due()?;
        Ok(entry.id)
    }

    pub(crate) fn push(&mut self, indexed: Indexed) {
        self.index.push(indexed);
        self.leaf = Some(self.index.nodes.len() - 1);
    }

    /// Creates the file once the session holds an assistant message. If that fails the
    /// entries stay in memory and the next append tries again.
    fn flush_if_due(&mut self) -> Result<(), SessionError> {
        if !self.persist || !self.index.has_assistant || matches!(self.store, Store::File(_)) {
            return Ok(());
        }
        match &self.session_file {
            Some(path) => self.store.create_file(path),
            None => Ok(()),
        }
    }

    /// Replaces the whole session (used by branching into a new file).
    pub(crate) fn replace(
        &mut self,
        header: SessionHeader,
        session_file: Option<PathBuf>,
        lines: impl IntoIterator<Item = Vec<u8>>,
        write_now: bool,
    ) -> Result<(), SessionError> {
        self.start(header)?;
        self.session_file = session_file;
        if let (true, Some(path)) = (write_now, &self.session_file) {
            self.store.create_file(path)?;
        }
        for line in lines {
            let span = self.store.append(&line)?;
            if let Some(indexed) = skim(&line, span) {
                self.push(indexed);
            }
        }
        self.flush_if_due()
    }
}

/// A value as one line of JSON (without the newline).
pub(crate) fn json_line(value: &Value) -> String {
    // Serializing a `Value` cannot fail.
    pi_ai::js_number::to_string(value).unwrap_or_default()
}

/// A session file as read from disk.
pub(crate) struct LoadedSession {
    pub header: SessionHeader,
    pub index: Index,
    pub ends_with_newline: bool,
}

pub(crate) enum Loaded {
    Session(Box<LoadedSession>),
    /// The header says an older format version.
    NeedsMigration(u64),
    /// No line holds JSON (the file is empty or blank).
    Empty,
    /// The first entry is not a session header.
    NotASession,
}

/// Reads a session file once: the header, then an index entry per line. Blank and malformed
/// lines are skipped, as pi skips them.
pub(crate) fn load(file: &File, path: &Path) -> Result<Loaded, SessionError> {
    let mut header: Option<SessionHeader> = None;
    let mut outcome = None;
    let mut index = Index::default();
    let mut ends_with_newline = true;
    let size = file
        .metadata()
        .map_err(|err| SessionError::io(path, err))?
        .len();
    for_each_line(file, |line| {
        ends_with_newline = line.terminated;
        if is_blank(line.bytes) {
            return true;
        }
        if header.is_none() {
            let Some(value) = parse_lossy::<Value>(line.bytes) else {
                return true;
            };
            match SessionHeader::from_value(value) {
                Some(found) if found.version.unwrap_or(1) < CURRENT_SESSION_VERSION => {
                    outcome = Some(Loaded::NeedsMigration(found.version.unwrap_or(1)));
                    return false;
                }
                Some(found) => header = Some(found),
                None => {
                    outcome = Some(Loaded::NotASession);
                    return false;
                }
            }
            return true;
        }
        let Ok(len) = u32::try_from(line.bytes.len()) else {
            return true;
        };
        let span = Span {
            offset: line.offset,
            len,
        };
        if let Some(indexed) = skim(line.bytes, span) {
            index.push(indexed);
        }
        true
    })
    .map_err(|err| SessionError::io(path, err))?;
    if let Some(outcome) = outcome {
        return Ok(outcome);
    }
    Ok(match header {
        Some(header) => Loaded::Session(Box::new(LoadedSession {
            header,
            index,
            ends_with_newline,
        })),
        None if size > 0 => Loaded::NotASession,
        None => Loaded::Empty,
    })
}
