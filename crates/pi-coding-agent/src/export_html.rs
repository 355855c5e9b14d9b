//! HTML export (`pi --export`, `/export`, RPC `export_html`): one self-contained page that
//! shows a whole session, every branch of its tree, with a searchable sidebar.
//!
//! The page embeds the session's entries once, as JSON in a `<script type="application/json">`
//! element with every `<`, `>` and `&` escaped, and renders them in the browser with its own
//! small viewer (no third-party code). The viewer builds the page from DOM nodes and text
//! only, so nothing in a session (messages, tool output, file names, labels) can become
//! markup or script; a content security policy admits only the page's own script as well.
//!
//! Entries are copied from the session file line by line without being decoded, so a large
//! session exports in one pass and in bounded memory.

mod page;
mod source;

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

use crate::session::SessionError;

/// Why an export failed. The texts are pi's where pi has one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The session is never written to disk (`--no-session`).
    #[error("Cannot export in-memory session to HTML")]
    InMemory,
    /// The session's file does not exist yet (it appears with the first answer).
    #[error("Nothing to export yet - start a conversation first")]
    NothingToExport,
    /// The file to export does not exist.
    #[error("File not found: {}", .0.display())]
    NotFound(PathBuf),
    /// The file is not a session, or could not be brought to the current format.
    #[error(transparent)]
    Session(#[from] SessionError),
    /// The session file could not be read.
    #[error("Cannot read {}: {source}", path.display())]
    Read {
        /// The session file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The page could not be written.
    #[error("Cannot write {}: {source}", path.display())]
    Write {
        /// The output file.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
}

/// A tool as the page's "Available Tools" list shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportedTool {
    /// The tool's name.
    pub name: String,
    /// What it does, as the model is told.
    pub description: String,
    /// Its JSON Schema.
    pub parameters: Value,
}

/// What a page shows besides the session file's entries.
#[derive(Debug, Clone, Default)]
pub struct PageExtras<'a> {
    /// The entry the page opens at; the file's last entry when `None`.
    pub leaf_id: Option<&'a str>,
    /// The system prompt, shown above the conversation.
    pub system_prompt: Option<&'a str>,
    /// The active tools, listed above the conversation.
    pub tools: Option<&'a [ExportedTool]>,
}

/// Exports the session file `input` (`pi --export <input> [output]`) and returns where the
/// page went: `output` (with `~` expanded), or `pi-session-<name>.html` in the current
/// directory.
pub fn export_from_file(input: &Path, output: Option<&Path>) -> Result<PathBuf, ExportError> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let input = match input.to_str() {
        Some(text) => crate::config::resolve_path(text, &cwd, std::env::home_dir().as_deref()),
        None => cwd.join(input),
    };
    if !input.exists() {
        return Err(ExportError::NotFound(input));
    }
    let output = output_path(&input, output);
    export_session_file(&input, &output, &PageExtras::default())?;
    Ok(output)
}

/// Writes the page for the session file `input` to `output`, replacing it whole: a failed
/// export never leaves half a page behind.
pub fn export_session_file(
    input: &Path,
    output: &Path,
    extras: &PageExtras<'_>,
) -> Result<(), ExportError> {
    let session = source::SessionFile::open(input)?;
    let temp = temp_path(output);
    let write_error = |source| ExportError::Write {
        path: output.to_path_buf(),
        source,
    };
    let file = File::create(&temp).map_err(write_error)?;
    let mut sink = page::Sink::new(BufWriter::with_capacity(1 << 16, file), output);
    let written = page::write_page(&mut sink, &page::nonce(), |sink| {
        session.write_data(sink, extras)
    })
    .and_then(|()| sink.finish())
    .and_then(|()| std::fs::rename(&temp, output).map_err(write_error));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Where a page goes: `output` as given (with `~` expanded, as pi does), or
/// `pi-session-<session file name without .jsonl>.html`, relative to the current directory.
pub fn output_path(session_file: &Path, output: Option<&Path>) -> PathBuf {
    match output.map(|path| (path, path.to_str())) {
        Some((_, Some(text))) if text == "~" || text.starts_with("~/") => {
            crate::config::expand_tilde(text, std::env::home_dir().as_deref())
        }
        Some((path, _)) => path.to_path_buf(),
        None => default_output_path(session_file),
    }
}

/// pi's default page name for a session file: `pi-session-<name without .jsonl>.html`.
pub fn default_output_path(session_file: &Path) -> PathBuf {
    let name = session_file
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default();
    let stem = name.strip_suffix(".jsonl").unwrap_or(&name);
    PathBuf::from(format!("pi-session-{stem}.html"))
}

/// A sibling of `output` to write into before renaming it into place.
fn temp_path(output: &Path) -> PathBuf {
    let mut name = output
        .file_name()
        .map(|name| name.to_os_string())
        .unwrap_or_default();
    name.push(format!(".{}.tmp", std::process::id()));
    output.with_file_name(name)
}

#[cfg(test)]
mod tests;
