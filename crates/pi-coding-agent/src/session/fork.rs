//! New sessions made from existing ones: a branch extracted into its own file (`/fork`,
//! `/clone`), and a whole session copied into another project (`--fork`).

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::Path;

use serde::de::IgnoredAny;
use serde_json::Value;

use super::SessionError;
use super::entry::{CURRENT_SESSION_VERSION, SessionHeader};
use super::index::{NodeKind, Role};
use super::lines::{for_each_line, is_blank, parse_lossy};
use super::manager::{NewSessionOptions, SessionManager, json_line};
use super::migrate::for_each_migrated_line;
use super::paths::{
    SessionLocation, assert_valid_session_id, new_entry_id, new_session_file, new_session_id,
    read_header, resolve_path,
};

impl SessionManager {
    /// Makes the path from the root to `leaf_id` a session of its own and switches to it.
    /// Labels on that path are carried over (re-created after it, with their timestamps) and
    /// the path is re-linked where labels were left out. A persisted session gets a new file
    /// (written at once if the path holds an assistant message, else with the first one),
    /// whose path is returned.
    pub fn create_branched_session(
        &mut self,
        leaf_id: &str,
    ) -> Result<Option<std::path::PathBuf>, SessionError> {
        let leaf = self
            .index()
            .position(leaf_id)
            .ok_or_else(|| SessionError::EntryNotFound(leaf_id.to_string()))?;
        let path = self.index().path_to(leaf);
        let mut lines = Vec::with_capacity(path.len());
        let mut ids: HashSet<String> = HashSet::new();
        let mut pending_labels: Vec<String> = Vec::new();
        let mut label_successor: HashMap<String, String> = HashMap::new();
        let mut parent: Option<String> = None;
        let mut has_assistant = false;
        for &at in &path {
            let node = &self.index().nodes[at];
            if node.kind == NodeKind::Label {
                pending_labels.push(node.id.to_string());
                continue;
            }
            for label in pending_labels.drain(..) {
                label_successor.insert(label, node.id.to_string());
            }
            has_assistant |= node.kind == NodeKind::Message(Role::Assistant);
            let mut entry: Value = parse_lossy(&self.raw_line(at)?).ok_or(SessionError::Changed)?;
            let object = entry.as_object_mut().ok_or(SessionError::Changed)?;
            object.insert(
                "parentId".into(),
                parent.clone().map_or(Value::Null, Value::String),
            );
            if node.kind == NodeKind::Compaction {
                let kept = object.get("firstKeptEntryId").and_then(Value::as_str);
                if let Some(successor) = kept
                    .filter(|kept| *kept != &*node.id)
                    .and_then(|kept| label_successor.get(kept))
                {
                    object.insert("firstKeptEntryId".into(), successor.clone().into());
                }
            }
            lines.push(json_line(&entry).into_bytes());
            ids.insert(node.id.to_string());
            parent = Some(node.id.to_string());
        }
        let labels: Vec<(String, String, String)> = self
            .index()
            .labels
            .iter()
            .filter(|(target, _)| ids.contains(*target))
            .map(|(target, state)| (target.clone(), state.label.clone(), state.timestamp.clone()))
            .collect();
        for (target, label, timestamp) in labels {
            let id = new_entry_id(|id| ids.contains(id));
            let entry = serde_json::json!({
                "type": "label", "id": id, "parentId": parent, "timestamp": timestamp,
                "targetId": target, "label": label,
            });
            lines.push(json_line(&entry).into_bytes());
            ids.insert(id.clone());
            parent = Some(id);
        }

        let id = new_session_id();
        let (timestamp, file) = new_session_file(self.session_dir(), &id);
        let persist = self.is_persisted();
        let header = SessionHeader {
            version: Some(CURRENT_SESSION_VERSION),
            id,
            timestamp,
            cwd: self.cwd().to_string_lossy().into_owned(),
            parent_session: persist
                .then(|| {
                    self.session_file()
                        .map(|p| p.to_string_lossy().into_owned())
                })
                .flatten(),
            extra: Default::default(),
        };
        let file = persist.then_some(file);
        self.replace(header, file.clone(), lines, persist && has_assistant)?;
        Ok(file)
    }

    /// Copies the session at `source` into a new session of `target_cwd` (its header names
    /// the source as parent) and opens the copy. Entries are copied byte for byte; an older
    /// format is migrated on the way.
    pub fn fork_from(
        source: &Path,
        target_cwd: &Path,
        location: &SessionLocation,
        options: NewSessionOptions,
    ) -> Result<SessionManager, SessionError> {
        let process_cwd = std::env::current_dir().unwrap_or_default();
        let source = resolve_path(source, &process_cwd);
        let target_cwd = resolve_path(target_cwd, &process_cwd);
        let Some(source_header) = read_header(&source) else {
            return Err(SessionError::ForkSourceInvalid(source));
        };
        if let Some(id) = &options.id {
            assert_valid_session_id(id)?;
        }
        let dir = location.dir_for(&target_cwd);
        std::fs::create_dir_all(&dir).map_err(|err| SessionError::io(&dir, err))?;
        let id = options.id.unwrap_or_else(new_session_id);
        let (timestamp, file_path) = new_session_file(&dir, &id);
        let header = SessionHeader {
            version: Some(CURRENT_SESSION_VERSION),
            id,
            timestamp,
            cwd: target_cwd.to_string_lossy().into_owned(),
            parent_session: Some(source.to_string_lossy().into_owned()),
            extra: Default::default(),
        };
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&file_path)
            .map_err(|err| SessionError::io(&file_path, err))?;
        let mut out = BufWriter::new(file);
        let copied = copy_entries(
            &source,
            source_header.version.unwrap_or(1),
            &header,
            &mut out,
        )
        .and_then(|()| {
            out.into_inner()
                .map_err(|err| SessionError::io(&file_path, err.into_error()))?
                .sync_all()
                .map_err(|err| SessionError::io(&file_path, err))
        });
        if let Err(err) = copied {
            let _ = std::fs::remove_file(&file_path);
            return Err(err);
        }
        SessionManager::open(&file_path, Some(&dir), Some(&target_cwd))
    }
}

/// Writes `header`, then every entry line of `source` (migrated if it is older).
fn copy_entries(
    source: &Path,
    version: u64,
    header: &SessionHeader,
    out: &mut BufWriter<File>,
) -> Result<(), SessionError> {
    let write = |out: &mut BufWriter<File>, bytes: &[u8]| {
        out.write_all(bytes)?;
        out.write_all(b"\n")
    };
    write(out, json_line(&header.to_value()).as_bytes())
        .map_err(|err| SessionError::io(source, err))?;
    if version < CURRENT_SESSION_VERSION {
        return for_each_migrated_line(source, version, |bytes, is_header| {
            if is_header { Ok(()) } else { write(out, bytes) }
        });
    }
    let file = File::open(source).map_err(|err| SessionError::io(source, err))?;
    let mut seen_header = false;
    let mut failure = None;
    for_each_line(file, |line| {
        if is_blank(line.bytes) || !is_json(line.bytes) {
            return true;
        }
        if !seen_header {
            // The first JSON line is the header (checked by the caller).
            seen_header = true;
            return true;
        }
        match write(out, line.bytes) {
            Ok(()) => true,
            Err(err) => {
                failure = Some(err);
                false
            }
        }
    })
    .map_err(|err| SessionError::io(source, err))?;
    match failure {
        Some(err) => Err(SessionError::io(source, err)),
        None => Ok(()),
    }
}

fn is_json(bytes: &[u8]) -> bool {
    serde_json::from_slice::<IgnoredAny>(bytes).is_ok() || parse_lossy::<Value>(bytes).is_some()
}
