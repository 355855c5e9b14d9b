//! [`Image`]: an inline image, or its description where images cannot be shown.

use crate::component::Component;
use crate::image::{
    CellSize, ImageProtocol, ImageSize, TerminalCapabilities, allocate_image_id, encode_iterm2,
    encode_kitty, image_cells, image_fallback, image_size,
};
use crate::style::{StyleFn, plain};
use crate::truncate::truncate_to_width;

/// An image drawn with the terminal's protocol, taking as many rows as it needs.
///
/// With the Kitty protocol the first row holds the image sequence and the rows below are
/// left empty for it; with iTerm2 the empty rows come first and the last row moves up over
/// them. Terminals without images get `[Image: [mime] WxH]`.
pub struct Image {
    base64: String,
    mime_type: String,
    size: ImageSize,
    filename: Option<String>,
    capabilities: TerminalCapabilities,
    cell: CellSize,
    max_width_cells: usize,
    max_height_cells: Option<usize>,
    image_id: Option<u32>,
    fallback_style: StyleFn,
    cache: Option<(usize, Vec<String>)>,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("mime_type", &self.mime_type)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl Image {
    /// An image from base64 data; its size is read from the header (800x600 if unknown).
    pub fn new(
        base64: impl Into<String>,
        mime_type: impl Into<String>,
        capabilities: TerminalCapabilities,
    ) -> Self {
        let base64 = base64.into();
        let mime_type = mime_type.into();
        let size = image_size(&base64, &mime_type).unwrap_or(ImageSize {
            width_px: 800,
            height_px: 600,
        });
        Self {
            base64,
            mime_type,
            size,
            filename: None,
            capabilities,
            cell: CellSize::default(),
            max_width_cells: 60,
            max_height_cells: None,
            image_id: None,
            fallback_style: plain(),
            cache: None,
        }
    }

    /// Names the file in the fallback text.
    pub fn with_filename(mut self, filename: impl Into<String>) -> Self {
        self.filename = Some(filename.into());
        self
    }

    /// The terminal's cell size, once known (it decides how many rows the image takes).
    pub fn set_cell_size(&mut self, cell: CellSize) {
        self.cell = cell;
        self.cache = None;
    }

    /// Widest the image may be, in cells (default 60).
    pub fn with_max_width(mut self, cells: usize) -> Self {
        self.max_width_cells = cells.max(1);
        self
    }

    /// Styles the fallback text.
    pub fn with_fallback_style(mut self, style: StyleFn) -> Self {
        self.fallback_style = style;
        self
    }

    /// The Kitty image id, once drawn.
    pub fn image_id(&self) -> Option<u32> {
        self.image_id
    }

    /// The image's size in pixels.
    pub fn size(&self) -> ImageSize {
        self.size
    }
}

impl Component for Image {
    fn render(&mut self, width: usize) -> Vec<String> {
        if let Some((w, lines)) = &self.cache
            && *w == width
        {
            return lines.clone();
        }
        let max_width = width.saturating_sub(2).min(self.max_width_cells).max(1);
        let default_max_height = (max_width * self.cell.width_px as usize)
            .div_ceil(self.cell.height_px.max(1) as usize)
            .max(1);
        let max_height = self.max_height_cells.unwrap_or(default_max_height);
        let (columns, rows) = image_cells(self.size, max_width, Some(max_height), self.cell);
        let lines = match self.capabilities.images {
            Some(ImageProtocol::Kitty) => {
                let id = *self.image_id.get_or_insert_with(allocate_image_id);
                let mut lines = vec![encode_kitty(&self.base64, columns, rows, Some(id))];
                lines.extend(std::iter::repeat_n(String::new(), rows - 1));
                lines
            }
            Some(ImageProtocol::Iterm2) => {
                let mut lines = vec![String::new(); rows - 1];
                let up = if rows > 1 {
                    format!("\x1b[{}A", rows - 1)
                } else {
                    String::new()
                };
                lines.push(format!(
                    "{up}{}",
                    encode_iterm2(&self.base64, columns, None)
                ));
                lines
            }
            None => {
                let text =
                    image_fallback(&self.mime_type, Some(self.size), self.filename.as_deref());
                vec![truncate_to_width(
                    &(self.fallback_style)(&text),
                    width,
                    "...",
                    false,
                )]
            }
        };
        self.cache = Some((width, lines.clone()));
        lines
    }

    fn invalidate(&mut self) {
        self.cache = None;
    }
}
