//! Inline images: which protocol the terminal speaks (Kitty graphics or iTerm2), encoding
//! images for it (with Kitty's 4096-byte chunking), image sizes read from file headers, and
//! the text shown when images cannot be.

use base64::Engine as _;

/// An inline image protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageProtocol {
    /// The Kitty graphics protocol (Kitty, Ghostty, WezTerm, Warp).
    Kitty,
    /// iTerm2's inline images.
    Iterm2,
}

/// What the terminal can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TerminalCapabilities {
    /// Inline image protocol, if any.
    pub images: Option<ImageProtocol>,
    /// 24-bit colour.
    pub true_color: bool,
    /// OSC 8 hyperlinks.
    pub hyperlinks: bool,
}

impl TerminalCapabilities {
    /// Detects capabilities from environment variables as pi does (`TERM_PROGRAM`,
    /// `KITTY_WINDOW_ID`, `TMUX`, ...), with the overrides `PI_IMAGE_PROTOCOL`
    /// (`kitty|iterm2|none`), `PI_HYPERLINKS` and `PI_TRUE_COLOR` (`1`/`0`). `env` reads a
    /// variable, so tests pass their own.
    pub fn detect(env: impl Fn(&str) -> Option<String>) -> Self {
        let lower = |k: &str| env(k).unwrap_or_default().to_lowercase();
        let term_program = lower("TERM_PROGRAM");
        let term = lower("TERM");
        let color_term = lower("COLORTERM");
        let true_hint = color_term == "truecolor" || color_term == "24bit";
        let has = |k: &str| env(k).is_some_and(|v| !v.is_empty());
        let caps = |images, true_color, hyperlinks| Self {
            images,
            true_color,
            hyperlinks,
        };
        // Multiplexers do not pass images (or, reliably, hyperlinks) through.
        let multiplexed = has("TMUX") || term.starts_with("tmux") || term.starts_with("screen");
        let detected = if multiplexed {
            caps(None, true_hint, false)
        } else if has("KITTY_WINDOW_ID")
            || term_program == "kitty"
            || term_program == "ghostty"
            || term.contains("ghostty")
            || has("GHOSTTY_RESOURCES_DIR")
            || has("WEZTERM_PANE")
            || term_program == "wezterm"
            || term_program == "warpterminal"
            || has("WARP_SESSION_ID")
        {
            caps(Some(ImageProtocol::Kitty), true, true)
        } else if has("ITERM_SESSION_ID") || term_program == "iterm.app" {
            caps(Some(ImageProtocol::Iterm2), true, true)
        } else if has("WT_SESSION")
            || matches!(term_program.as_str(), "alacritty" | "vscode" | "zed")
        {
            caps(None, true, true)
        } else if lower("TERMINAL_EMULATOR") == "jetbrains-jediterm" {
            caps(None, true, false)
        } else {
            caps(None, true_hint, false)
        };
        let flag = |k: &str| match env(k).as_deref() {
            Some("1") => Some(true),
            Some("0") => Some(false),
            _ => None,
        };
        let images = match lower("PI_IMAGE_PROTOCOL").as_str() {
            "kitty" => Some(ImageProtocol::Kitty),
            "iterm2" => Some(ImageProtocol::Iterm2),
            "none" | "0" => None,
            _ => detected.images,
        };
        Self {
            images,
            true_color: flag("PI_TRUE_COLOR").unwrap_or(detected.true_color),
            hyperlinks: flag("PI_HYPERLINKS").unwrap_or(detected.hyperlinks),
        }
    }
}

/// Size of a terminal cell in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellSize {
    /// Width in pixels.
    pub width_px: u32,
    /// Height in pixels.
    pub height_px: u32,
}

impl Default for CellSize {
    /// pi's assumption until the terminal answers: 9 x 18.
    fn default() -> Self {
        Self {
            width_px: 9,
            height_px: 18,
        }
    }
}

/// An image's size in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageSize {
    /// Width in pixels.
    pub width_px: u32,
    /// Height in pixels.
    pub height_px: u32,
}

/// How many cells an image takes when fitted into `max_columns` (and `max_rows`).
pub fn image_cells(
    image: ImageSize,
    max_columns: usize,
    max_rows: Option<usize>,
    cell: CellSize,
) -> (usize, usize) {
    let max_w = max_columns.max(1) as f64;
    let iw = f64::from(image.width_px.max(1));
    let ih = f64::from(image.height_px.max(1));
    let cw = f64::from(cell.width_px.max(1));
    let ch = f64::from(cell.height_px.max(1));
    let width_scale = max_w * cw / iw;
    let scale = match max_rows {
        Some(r) => width_scale.min(r.max(1) as f64 * ch / ih),
        None => width_scale,
    };
    let columns = ((iw * scale) / cw).ceil() as usize;
    let rows = ((ih * scale) / ch).ceil() as usize;
    let columns = columns.clamp(1, max_columns.max(1));
    let rows = match max_rows {
        Some(r) => rows.min(r.max(1)).max(1),
        None => rows.max(1),
    };
    (columns, rows)
}

const KITTY_CHUNK: usize = 4096;

/// The Kitty graphics sequence that shows a PNG (base64) in `columns` x `rows` cells
/// without moving the cursor. Payloads over 4096 bytes are sent in chunks.
pub fn encode_kitty(
    base64_png: &str,
    columns: usize,
    rows: usize,
    image_id: Option<u32>,
) -> String {
    let mut params = format!("a=T,f=100,q=2,C=1,c={columns},r={rows}");
    if let Some(id) = image_id {
        params.push_str(&format!(",i={id}"));
    }
    let data = base64_png.as_bytes();
    if data.len() <= KITTY_CHUNK {
        return format!("\x1b_G{params};{base64_png}\x1b\\");
    }
    let chunks: Vec<&[u8]> = data.chunks(KITTY_CHUNK).collect();
    let mut out = String::with_capacity(data.len() + chunks.len() * 16);
    for (i, chunk) in chunks.iter().enumerate() {
        // Base64 is ASCII, so every chunk is valid UTF-8.
        let chunk = std::str::from_utf8(chunk).unwrap_or_default();
        if i == 0 {
            out.push_str(&format!("\x1b_G{params},m=1;{chunk}\x1b\\"));
        } else if i + 1 == chunks.len() {
            out.push_str(&format!("\x1b_Gm=0;{chunk}\x1b\\"));
        } else {
            out.push_str(&format!("\x1b_Gm=1;{chunk}\x1b\\"));
        }
    }
    out
}

/// Deletes a Kitty image and frees its data.
pub fn delete_kitty_image(image_id: u32) -> String {
    format!("\x1b_Ga=d,d=I,i={image_id},q=2\x1b\\")
}

/// Deletes every Kitty image.
pub const DELETE_ALL_KITTY_IMAGES: &str = "\x1b_Ga=d,d=A,q=2\x1b\\";

/// The iTerm2 sequence that shows an image `columns` cells wide.
pub fn encode_iterm2(base64: &str, columns: usize, name: Option<&str>) -> String {
    let size = base64::engine::general_purpose::STANDARD
        .decode(base64)
        .map_or(0, |b| b.len());
    let mut params = format!("inline=1;size={size};width={columns};height=auto");
    if let Some(name) = name {
        params.push_str(&format!(
            ";name={}",
            base64::engine::general_purpose::STANDARD.encode(name)
        ));
    }
    format!("\x1b]1337;File={params}:{base64}\x07")
}

/// A fresh random Kitty image id in `1..=0xffffffff`.
pub fn allocate_image_id() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    // The standard library's per-process random hasher keys are a source of randomness
    // that needs no extra dependency.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    (h.finish() as u32).max(1)
}

fn decode_prefix(base64: &str, bytes: usize) -> Vec<u8> {
    // Only the header is needed: decode a prefix whose length is a multiple of 4.
    let take = base64.len().min(bytes.div_ceil(3) * 4 + 8) / 4 * 4;
    let prefix = base64.get(..take).unwrap_or(base64);
    base64::engine::general_purpose::STANDARD
        .decode(prefix)
        .unwrap_or_default()
}

fn u16_be(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}

fn u16_le(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes([
        *b.get(at)?,
        *b.get(at + 1)?,
    ])))
}

/// The size of a PNG, JPEG, GIF or WebP image from its base64 data, if its header says.
pub fn image_size(base64: &str, mime_type: &str) -> Option<ImageSize> {
    match mime_type {
        "image/png" => {
            let b = decode_prefix(base64, 32);
            if b.get(..4)? != [0x89, b'P', b'N', b'G'] {
                return None;
            }
            let w = u32::from_be_bytes(b.get(16..20)?.try_into().ok()?);
            let h = u32::from_be_bytes(b.get(20..24)?.try_into().ok()?);
            Some(ImageSize {
                width_px: w,
                height_px: h,
            })
        }
        "image/jpeg" => {
            let b = base64::engine::general_purpose::STANDARD
                .decode(base64)
                .ok()?;
            if b.get(..2)? != [0xff, 0xd8] {
                return None;
            }
            let mut at = 2;
            while at + 9 < b.len() {
                if b.get(at) != Some(&0xff) {
                    at += 1;
                    continue;
                }
                let marker = *b.get(at + 1)?;
                if (0xc0..=0xc2).contains(&marker) {
                    return Some(ImageSize {
                        width_px: u16_be(&b, at + 7)?,
                        height_px: u16_be(&b, at + 5)?,
                    });
                }
                let len = u16_be(&b, at + 2)? as usize;
                if len < 2 {
                    return None;
                }
                at += 2 + len;
            }
            None
        }
        "image/gif" => {
            let b = decode_prefix(base64, 16);
            let sig = b.get(..6)?;
            if sig != b"GIF87a" && sig != b"GIF89a" {
                return None;
            }
            Some(ImageSize {
                width_px: u16_le(&b, 6)?,
                height_px: u16_le(&b, 8)?,
            })
        }
        "image/webp" => {
            let b = decode_prefix(base64, 40);
            if b.get(..4)? != b"RIFF" || b.get(8..12)? != b"WEBP" {
                return None;
            }
            match b.get(12..16)? {
                b"VP8 " => Some(ImageSize {
                    width_px: u16_le(&b, 26)? & 0x3fff,
                    height_px: u16_le(&b, 28)? & 0x3fff,
                }),
                b"VP8L" => {
                    let bits = u32::from_le_bytes(b.get(21..25)?.try_into().ok()?);
                    Some(ImageSize {
                        width_px: (bits & 0x3fff) + 1,
                        height_px: ((bits >> 14) & 0x3fff) + 1,
                    })
                }
                b"VP8X" => {
                    let w = u32::from(*b.get(24)?)
                        | u32::from(*b.get(25)?) << 8
                        | u32::from(*b.get(26)?) << 16;
                    let h = u32::from(*b.get(27)?)
                        | u32::from(*b.get(28)?) << 8
                        | u32::from(*b.get(29)?) << 16;
                    Some(ImageSize {
                        width_px: w + 1,
                        height_px: h + 1,
                    })
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The text shown instead of an image: `[Image: name [mime] WxH]`.
pub fn image_fallback(mime_type: &str, size: Option<ImageSize>, filename: Option<&str>) -> String {
    let mut parts = Vec::new();
    if let Some(f) = filename {
        parts.push(f.to_owned());
    }
    parts.push(format!("[{mime_type}]"));
    if let Some(s) = size {
        parts.push(format!("{}x{}", s.width_px, s.height_px));
    }
    format!("[Image: {}]", parts.join(" "))
}
