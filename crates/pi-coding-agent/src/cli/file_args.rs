//! `@file` arguments: text files inlined into the first message, images attached to it.

use std::path::{Path, PathBuf};

use pi_ai::ImageContent;

use crate::tools::{
    ProcessedImage, ResizeOptions, detect_image_mime, process_image, resolve_read_path,
};

/// What the `@file` arguments add to the first message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileInput {
    /// `<file name="...">` blocks, in argument order.
    pub text: String,
    /// Attached images, in argument order.
    pub images: Vec<ImageContent>,
}

/// Why an `@file` argument could not be used (pi exits with status 1).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileArgError {
    /// The file does not exist.
    #[error("File not found: {}", .0.display())]
    NotFound(PathBuf),
    /// The file exists but could not be read.
    #[error("Could not read file {}: {message}", path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// Reads `@file` arguments relative to `cwd` (with `~` and macOS screenshot-name handling,
/// as the `read` tool). Empty files are skipped; images are attached without resizing (the
/// session sizes them for the model that receives them).
pub fn process_file_args(files: &[String], cwd: &Path) -> Result<FileInput, FileArgError> {
    let mut input = FileInput::default();
    for file in files {
        let path = resolve_read_path(file, cwd);
        let metadata =
            std::fs::metadata(&path).map_err(|_| FileArgError::NotFound(path.clone()))?;
        if metadata.len() == 0 {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|err| FileArgError::Unreadable {
            path: path.clone(),
            message: err.to_string(),
        })?;
        let name = path.display();
        if let Some(mime) = detect_image_mime(&bytes) {
            match process_image(&bytes, mime, false, ResizeOptions::default()) {
                ProcessedImage::Omitted(notice) => {
                    input
                        .text
                        .push_str(&format!("<file name=\"{name}\">{notice}</file>\n"));
                }
                ProcessedImage::Ready {
                    data,
                    mime_type,
                    hints,
                } => {
                    input.images.push(ImageContent::new(data, mime_type));
                    input.text.push_str(&format!(
                        "<file name=\"{name}\">{}</file>\n",
                        hints.join("\n")
                    ));
                }
            }
            continue;
        }
        let text = String::from_utf8(bytes).map_err(|err| FileArgError::Unreadable {
            path: path.clone(),
            message: err.to_string(),
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        input
            .text
            .push_str(&format!("<file name=\"{name}\">\n{text}\n</file>\n"));
    }
    Ok(input)
}

/// The first prompt: piped stdin, then the `@file` text, then the first message, joined with
/// nothing between them; the first message is taken out of `messages`. `None` when all three
/// are absent.
pub fn initial_message(
    stdin: Option<String>,
    file_text: &str,
    messages: &mut Vec<String>,
) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(stdin) = stdin {
        parts.push(stdin);
    }
    if !file_text.is_empty() {
        parts.push(file_text.to_string());
    }
    if !messages.is_empty() {
        parts.push(messages.remove(0));
    }
    (!parts.is_empty()).then(|| parts.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_files_are_inlined_and_empty_ones_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "\u{feff}alpha").unwrap();
        std::fs::write(dir.path().join("empty.txt"), "").unwrap();
        let input = process_file_args(&["a.txt".into(), "empty.txt".into()], dir.path()).unwrap();
        let name = dir.path().join("a.txt");
        assert_eq!(
            input.text,
            format!("<file name=\"{}\">\nalpha\n</file>\n", name.display())
        );
        assert!(input.images.is_empty());
    }

    #[test]
    fn images_are_attached() {
        let dir = tempfile::tempdir().unwrap();
        let mut png = Vec::new();
        image::RgbImage::new(2, 2)
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .unwrap();
        std::fs::write(dir.path().join("dot.png"), &png).unwrap();
        let input = process_file_args(&["dot.png".into()], dir.path()).unwrap();
        assert_eq!(input.images.len(), 1);
        assert_eq!(input.images[0].mime_type, "image/png");
        assert_eq!(
            input.text,
            format!(
                "<file name=\"{}\"></file>\n",
                dir.path().join("dot.png").display()
            )
        );
    }

    #[test]
    fn a_missing_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = process_file_args(&["nope.md".into()], dir.path()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("File not found: {}", dir.path().join("nope.md").display())
        );
    }

    #[test]
    fn the_first_prompt_joins_stdin_files_and_the_first_message() {
        let mut messages = vec!["one".to_string(), "two".to_string()];
        let first = initial_message(Some("piped\n".into()), "<file/>\n", &mut messages);
        assert_eq!(first.as_deref(), Some("piped\n<file/>\none"));
        assert_eq!(messages, ["two"]);
        assert_eq!(initial_message(None, "", &mut Vec::new()), None);
    }
}
