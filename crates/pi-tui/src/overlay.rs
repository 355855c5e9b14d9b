//! Overlays: components drawn on top of the content, placed by anchor, offset, absolute or
//! percentage position, with sizes in cells or percent and margins.

use crate::component::ComponentRef;
use crate::renderer::is_image_line;
use crate::slice::{extract_segments, slice_by_column, slice_with_width};
use crate::width::visible_width;

/// A size or position: a number of cells, or a percentage of the reference size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SizeValue {
    /// A number of cells.
    Cells(usize),
    /// A percentage (0-100).
    Percent(f64),
}

impl SizeValue {
    fn resolve(self, reference: usize) -> usize {
        match self {
            Self::Cells(n) => n,
            Self::Percent(p) => ((reference as f64) * p.max(0.0) / 100.0).floor() as usize,
        }
    }

    /// Parses `"40"` or `"40%"`; anything else is `None`.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        if let Some(p) = s.strip_suffix('%') {
            let v: f64 = p.parse().ok()?;
            return (v.is_finite() && v >= 0.0).then_some(Self::Percent(v));
        }
        s.parse().ok().map(Self::Cells)
    }
}

/// Where an overlay sits when no row or column is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Anchor {
    /// Centered both ways.
    #[default]
    Center,
    /// Top left corner.
    TopLeft,
    /// Top right corner.
    TopRight,
    /// Bottom left corner.
    BottomLeft,
    /// Bottom right corner.
    BottomRight,
    /// Top edge, centered.
    TopCenter,
    /// Bottom edge, centered.
    BottomCenter,
    /// Left edge, centered.
    LeftCenter,
    /// Right edge, centered.
    RightCenter,
}

/// Space kept free around an overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Margin {
    /// Rows above.
    pub top: usize,
    /// Columns to the right.
    pub right: usize,
    /// Rows below.
    pub bottom: usize,
    /// Columns to the left.
    pub left: usize,
}

impl Margin {
    /// The same margin on every side.
    pub fn all(n: usize) -> Self {
        Self {
            top: n,
            right: n,
            bottom: n,
            left: n,
        }
    }
}

/// How an overlay is sized and placed. The default is centered, `min(80, available)` wide.
#[derive(Clone, Default)]
pub struct OverlayOptions {
    /// Width in cells or percent of the terminal width.
    pub width: Option<SizeValue>,
    /// Smallest width.
    pub min_width: Option<usize>,
    /// Tallest the overlay may be, in rows or percent of the terminal height.
    pub max_height: Option<SizeValue>,
    /// Placement when no row or column is given.
    pub anchor: Anchor,
    /// Shift right (negative: left) after placement.
    pub offset_x: isize,
    /// Shift down (negative: up) after placement.
    pub offset_y: isize,
    /// Row: absolute, or a percentage of the free space.
    pub row: Option<SizeValue>,
    /// Column: absolute, or a percentage of the free space.
    pub col: Option<SizeValue>,
    /// Space kept free around it.
    pub margin: Margin,
    /// Shown only while this returns true for (columns, rows).
    pub visible: Option<std::rc::Rc<dyn Fn(usize, usize) -> bool>>,
    /// Does not take focus when shown: keys keep going where they went.
    pub non_capturing: bool,
}

impl std::fmt::Debug for OverlayOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OverlayOptions")
            .field("width", &self.width)
            .field("anchor", &self.anchor)
            .field("row", &self.row)
            .field("col", &self.col)
            .field("margin", &self.margin)
            .field("non_capturing", &self.non_capturing)
            .finish_non_exhaustive()
    }
}

/// Where an overlay landed: row and column on screen, and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverlayLayout {
    /// Screen row of its top line.
    pub row: usize,
    /// Screen column of its left edge.
    pub col: usize,
    /// Width in columns.
    pub width: usize,
    /// Most rows it may take, if limited.
    pub max_height: Option<usize>,
}

fn anchor_row(anchor: Anchor, height: usize, avail: usize, top: usize) -> usize {
    match anchor {
        Anchor::TopLeft | Anchor::TopCenter | Anchor::TopRight => top,
        Anchor::BottomLeft | Anchor::BottomCenter | Anchor::BottomRight => {
            top + avail.saturating_sub(height)
        }
        Anchor::LeftCenter | Anchor::Center | Anchor::RightCenter => {
            top + avail.saturating_sub(height) / 2
        }
    }
}

fn anchor_col(anchor: Anchor, width: usize, avail: usize, left: usize) -> usize {
    match anchor {
        Anchor::TopLeft | Anchor::LeftCenter | Anchor::BottomLeft => left,
        Anchor::TopRight | Anchor::RightCenter | Anchor::BottomRight => {
            left + avail.saturating_sub(width)
        }
        Anchor::TopCenter | Anchor::Center | Anchor::BottomCenter => {
            left + avail.saturating_sub(width) / 2
        }
    }
}

fn offset(value: usize, by: isize) -> usize {
    if by >= 0 {
        value.saturating_add(by.unsigned_abs())
    } else {
        value.saturating_sub(by.unsigned_abs())
    }
}

/// Places an overlay of `height` rows on a `columns` x `rows` terminal.
pub fn resolve_layout(
    options: &OverlayOptions,
    height: usize,
    columns: usize,
    rows: usize,
) -> OverlayLayout {
    // Margins larger than the terminal cannot be honoured; clamping them keeps the overlay
    // (and the padding added for it) on screen.
    let m = Margin {
        top: options.margin.top.min(rows),
        right: options.margin.right.min(columns),
        bottom: options.margin.bottom.min(rows),
        left: options.margin.left.min(columns),
    };
    let avail_w = columns.saturating_sub(m.left + m.right).max(1);
    let avail_h = rows.saturating_sub(m.top + m.bottom).max(1);
    let mut width = options
        .width
        .map_or(avail_w.min(80), |w| w.resolve(columns));
    if let Some(min) = options.min_width {
        width = width.max(min);
    }
    let width = width.clamp(1, avail_w);
    let max_height = options
        .max_height
        .map(|h| h.resolve(rows).clamp(1, avail_h));
    let height = max_height.map_or(height, |max| height.min(max));
    let mut row = match options.row {
        Some(SizeValue::Percent(p)) => {
            m.top + SizeValue::Percent(p).resolve(avail_h.saturating_sub(height))
        }
        Some(SizeValue::Cells(r)) => r,
        None => anchor_row(options.anchor, height, avail_h, m.top),
    };
    let mut col = match options.col {
        Some(SizeValue::Percent(p)) => {
            m.left + SizeValue::Percent(p).resolve(avail_w.saturating_sub(width))
        }
        Some(SizeValue::Cells(c)) => c,
        None => anchor_col(options.anchor, width, avail_w, m.left),
    };
    row = offset(row, options.offset_y);
    col = offset(col, options.offset_x);
    let row = row
        .min(rows.saturating_sub(m.bottom.saturating_add(height)))
        .max(m.top)
        .min(rows.saturating_sub(1));
    let col = col
        .min(columns.saturating_sub(m.right.saturating_add(width)))
        .max(m.left)
        .min(columns.saturating_sub(1));
    OverlayLayout {
        row,
        col,
        width,
        max_height,
    }
}

const SEGMENT_RESET: &str = "\x1b[0m\x1b]8;;\x07";

/// Draws `overlay` over `base` at `start_col`, `overlay_width` columns wide, keeping what is
/// left and right of it, and never exceeding `total_width`.
pub fn composite_line(
    base: &str,
    overlay: &str,
    start_col: usize,
    overlay_width: usize,
    total_width: usize,
) -> String {
    if is_image_line(base) {
        return base.to_owned();
    }
    let after_start = start_col + overlay_width;
    let seg = extract_segments(
        base,
        start_col,
        after_start,
        total_width.saturating_sub(after_start),
        true,
    );
    let (over, over_w) = slice_with_width(overlay, 0, overlay_width, true);
    let before_pad = start_col.saturating_sub(seg.before_width);
    let over_pad = overlay_width.saturating_sub(over_w);
    let actual_before = start_col.max(seg.before_width);
    let actual_over = overlay_width.max(over_w);
    let after_target = total_width.saturating_sub(actual_before + actual_over);
    let after_pad = after_target.saturating_sub(seg.after_width);
    let mut out = String::with_capacity(base.len() + overlay.len() + 32);
    out.push_str(&seg.before);
    out.extend(std::iter::repeat_n(' ', before_pad));
    out.push_str(SEGMENT_RESET);
    out.push_str(&over);
    out.extend(std::iter::repeat_n(' ', over_pad));
    out.push_str(SEGMENT_RESET);
    out.push_str(&seg.after);
    out.extend(std::iter::repeat_n(' ', after_pad));
    if visible_width(&out) <= total_width {
        out
    } else {
        slice_by_column(&out, 0, total_width, true)
    }
}

/// Identifies a shown overlay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OverlayId(pub(crate) u64);

/// One shown overlay.
pub(crate) struct OverlayEntry {
    pub(crate) id: OverlayId,
    pub(crate) component: ComponentRef,
    pub(crate) options: OverlayOptions,
    /// What had focus when the overlay took it, to give it back.
    pub(crate) pre_focus: Option<ComponentRef>,
    pub(crate) hidden: bool,
    pub(crate) focus_order: u64,
    pub(crate) bounds: Option<OverlayLayout>,
}

impl OverlayEntry {
    pub(crate) fn is_visible(&self, columns: usize, rows: usize) -> bool {
        !self.hidden
            && self
                .options
                .visible
                .as_ref()
                .is_none_or(|f| f(columns, rows))
    }
}

/// Renders the visible overlays into `lines`, which are padded so the overlays sit relative
/// to the visible screen.
pub(crate) fn composite(
    entries: &mut [OverlayEntry],
    mut lines: Vec<String>,
    columns: usize,
    rows: usize,
) -> Vec<String> {
    let mut order: Vec<usize> = (0..entries.len())
        .filter(|&i| entries.get(i).is_some_and(|e| e.is_visible(columns, rows)))
        .collect();
    order.sort_by_key(|&i| entries.get(i).map_or(0, |e| e.focus_order));
    let mut rendered = Vec::new();
    let mut needed = lines.len();
    for entry in entries.iter_mut() {
        entry.bounds = None;
    }
    for i in order {
        let Some(entry) = entries.get_mut(i) else {
            continue;
        };
        let probe = resolve_layout(&entry.options, 0, columns, rows);
        let Ok(mut component) = entry.component.try_borrow_mut() else {
            continue;
        };
        let mut overlay_lines = component.render(probe.width);
        drop(component);
        if let Some(max) = probe.max_height {
            overlay_lines.truncate(max);
        }
        let layout = resolve_layout(&entry.options, overlay_lines.len(), columns, rows);
        entry.bounds = Some(layout);
        needed = needed.max(layout.row + overlay_lines.len().min(rows));
        rendered.push((overlay_lines, layout));
    }
    if rendered.is_empty() {
        return lines;
    }
    let working = lines.len().max(rows).max(needed);
    lines.resize(working, String::new());
    let viewport_start = working - rows.min(working);
    for (overlay_lines, layout) in rendered {
        for (i, line) in overlay_lines.iter().enumerate() {
            let idx = viewport_start + layout.row + i;
            if let Some(base) = lines.get_mut(idx) {
                let fitted = if visible_width(line) > layout.width {
                    slice_by_column(line, 0, layout.width, true)
                } else {
                    line.clone()
                };
                *base = composite_line(base, &fitted, layout.col, layout.width, columns);
            }
        }
    }
    lines
}
