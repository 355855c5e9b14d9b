//! Bringing older session files to format version 3, as pi does, without risking them.
//!
//! - v1 → v2: entries get ids and `parentId` links in file order (a linear chain), and a
//!   compaction's `firstKeptEntryIndex` (a position in the file) becomes `firstKeptEntryId`.
//! - v2 → v3: the `hookMessage` role is renamed `custom`.
//!
//! The new file is written beside the old one and renamed over it; the original is kept as
//! `<file>.v<N>.bak`. Lines that are not JSON are carried over unchanged.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::SessionError;
use super::entry::CURRENT_SESSION_VERSION;
use super::lines::{for_each_line, is_blank, parse_lossy};
use super::paths::new_entry_id;

/// Rewrites the file at `path`, of format `version`, to the current version.
pub(crate) fn migrate_file(path: &Path, version: u64) -> Result<(), SessionError> {
    let temp = sibling(path, ".migrating")?;
    let written = write_migrated(path, &temp, version);
    if let Err(err) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(err);
    }
    let backup = sibling(path, &format!(".v{version}.bak"))?;
    let copied = std::fs::copy(path, &backup)
        .and_then(|_| File::open(&backup)?.sync_all())
        .map_err(|err| SessionError::io(&backup, err));
    if let Err(err) = copied {
        let _ = std::fs::remove_file(&temp);
        return Err(err);
    }
    std::fs::rename(&temp, path).map_err(|err| SessionError::io(path, err))?;
    if let Some(dir) = path.parent()
        && let Ok(dir) = File::open(dir)
    {
        // Make the rename itself durable; a failure here loses nothing already written.
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Hands out the lines of the file at `path`, of format `version`, migrated to the current
/// version, with whether each is a header. Blank lines are dropped; lines that are not JSON
/// objects are handed out unchanged (pi would drop them; they are skipped again when read).
pub(crate) fn for_each_migrated_line(
    path: &Path,
    version: u64,
    mut each: impl FnMut(&[u8], bool) -> std::io::Result<()>,
) -> Result<(), SessionError> {
    let io = |err| SessionError::io(path, err);
    // Version 1 entries need ids before links can be written: assign them in a first pass.
    let ids = if version < 2 {
        assign_ids(File::open(path).map_err(io)?).map_err(io)?
    } else {
        Vec::new()
    };
    let source = File::open(path).map_err(io)?;
    let mut ordinal = 0usize;
    let mut previous: Option<String> = None;
    let mut failure = None;
    for_each_line(source, |line| {
        if is_blank(line.bytes) {
            return true;
        }
        let written = match parse_object(line.bytes) {
            Some(Value::Object(mut entry)) => {
                let is_header = entry.get("type").and_then(Value::as_str) == Some("session");
                migrate_entry(&mut entry, version, ordinal, &ids, &mut previous);
                ordinal += 1;
                let text = pi_ai::js_number::to_string(&Value::Object(entry)).unwrap_or_default();
                each(text.as_bytes(), is_header)
            }
            _ => each(line.bytes, false),
        };
        match written {
            Ok(()) => true,
            Err(err) => {
                failure = Some(err);
                false
            }
        }
    })
    .map_err(io)?;
    match failure {
        Some(err) => Err(SessionError::io(path, err)),
        None => Ok(()),
    }
}

fn write_migrated(path: &Path, temp: &Path, version: u64) -> Result<(), SessionError> {
    let target = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(temp)
        .map_err(|err| SessionError::io(temp, err))?;
    let mut out = BufWriter::new(target);
    for_each_migrated_line(path, version, |bytes, _| {
        out.write_all(bytes)?;
        out.write_all(b"\n")
    })?;
    let file = out
        .into_inner()
        .map_err(|err| SessionError::io(temp, err.into_error()))?;
    file.sync_all().map_err(|err| SessionError::io(temp, err))
}

/// An unused path next to `path`: `<path><suffix>`, or with `.1`, `.2`, ... appended.
fn sibling(path: &Path, suffix: &str) -> Result<PathBuf, SessionError> {
    let base = format!("{}{suffix}", path.display());
    (0..1000)
        .map(|n| match n {
            0 => PathBuf::from(&base),
            n => PathBuf::from(format!("{base}.{n}")),
        })
        .find(|candidate| !candidate.exists())
        .ok_or_else(|| {
            SessionError::io(
                path,
                std::io::Error::new(std::io::ErrorKind::AlreadyExists, "no free backup name"),
            )
        })
}

/// One new id per JSON object line of a version 1 file, header included (as `None`), in
/// order: the positions `firstKeptEntryIndex` counts in.
fn assign_ids(file: File) -> std::io::Result<Vec<Option<String>>> {
    let mut ids = Vec::new();
    let mut used = HashSet::new();
    for_each_line(file, |line| {
        if let Some(Value::Object(object)) = parse_object(line.bytes) {
            if object.get("type").and_then(Value::as_str) == Some("session") {
                ids.push(None);
            } else {
                let id = new_entry_id(|id| used.contains(id));
                used.insert(id.clone());
                ids.push(Some(id));
            }
        }
        true
    })?;
    Ok(ids)
}

fn parse_object(bytes: &[u8]) -> Option<Value> {
    if is_blank(bytes) {
        return None;
    }
    parse_lossy::<Value>(bytes).filter(Value::is_object)
}

/// Migrates one entry in place; keys keep their positions, new keys go last (as the
/// reference's in-place object updates leave them).
fn migrate_entry(
    entry: &mut Map<String, Value>,
    version: u64,
    ordinal: usize,
    ids: &[Option<String>],
    previous: &mut Option<String>,
) {
    if entry.get("type").and_then(Value::as_str) == Some("session") {
        entry.insert("version".into(), CURRENT_SESSION_VERSION.into());
        return;
    }
    if version < 2
        && let Some(Some(id)) = ids.get(ordinal)
    {
        entry.insert("id".into(), id.clone().into());
        entry.insert(
            "parentId".into(),
            previous.clone().map_or(Value::Null, Value::String),
        );
        *previous = Some(id.clone());
        if entry.get("type").and_then(Value::as_str) == Some("compaction")
            && let Some(target) = entry.get("firstKeptEntryIndex").and_then(Value::as_f64)
        {
            // Only entries already given an id can be named, as in the reference.
            let kept = (target >= 0.0 && target.fract() == 0.0)
                .then_some(target as usize)
                .filter(|&target| target <= ordinal)
                .and_then(|target| ids.get(target).cloned().flatten());
            if let Some(kept) = kept {
                entry.insert("firstKeptEntryId".into(), kept.into());
            }
            entry.shift_remove("firstKeptEntryIndex");
        }
    }
    if entry.get("type").and_then(Value::as_str) == Some("message")
        && let Some(message) = entry.get_mut("message").and_then(Value::as_object_mut)
        && message.get("role").and_then(Value::as_str) == Some("hookMessage")
    {
        message.insert("role".into(), "custom".into());
    }
}
