//! Where each shown entry sits in the drawing: indentation, connectors and the `│` lines of
//! open branches, and the horizontal scrolling that keeps a deep entry's text in view.

use std::rc::Rc;

use pi_tui::{slice_by_column, truncate_to_width};

/// Columns of the cursor gutter, which never scrolls sideways.
const GUTTER_WIDTH: usize = 2;

/// A column of a `│` line continuing an ancestor's branch.
#[derive(Debug, Clone, Copy)]
pub(super) struct Gutter {
    pub(super) position: usize,
    pub(super) show: bool,
}

/// A shown entry and its place in the drawing.
#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) node: usize,
    pub(super) indent: usize,
    pub(super) show_connector: bool,
    pub(super) is_last: bool,
    pub(super) gutters: Rc<[Gutter]>,
    /// A root among several: drawn without a connector.
    pub(super) virtual_root_child: bool,
}

/// Lays out a forest depth first: a parent with several children indents them one step
/// and draws connectors; a single-child chain stays flat, except the first generation after
/// a branch, which indents once more to group it.
pub(super) fn layout<'a>(
    roots: &[usize],
    children_of: impl Fn(usize) -> &'a Vec<usize>,
    multiple_roots: bool,
) -> Vec<Row> {
    struct Pending {
        node: usize,
        indent: usize,
        just_branched: bool,
        row: Row,
    }
    let mut out = Vec::new();
    let root_indent = usize::from(multiple_roots);
    let no_gutters: Rc<[Gutter]> = Rc::from(Vec::new());
    let mut stack: Vec<Pending> = roots
        .iter()
        .enumerate()
        .rev()
        .map(|(i, &node)| Pending {
            node,
            indent: root_indent,
            just_branched: multiple_roots,
            row: Row {
                node,
                indent: root_indent,
                show_connector: multiple_roots,
                is_last: i + 1 == roots.len(),
                gutters: Rc::clone(&no_gutters),
                virtual_root_child: multiple_roots,
            },
        })
        .collect();
    while let Some(Pending {
        node,
        indent,
        just_branched,
        row,
    }) = stack.pop()
    {
        let children = children_of(node);
        let branches = children.len() > 1;
        let child_indent = if branches || (just_branched && indent > 0) {
            indent + 1
        } else {
            indent
        };
        let child_gutters = if row.show_connector && !row.virtual_root_child {
            let display_indent = if multiple_roots {
                indent.saturating_sub(1)
            } else {
                indent
            };
            let mut gutters = row.gutters.to_vec();
            gutters.push(Gutter {
                position: display_indent.saturating_sub(1),
                show: !row.is_last,
            });
            Rc::from(gutters)
        } else {
            Rc::clone(&row.gutters)
        };
        for (i, &child) in children.iter().enumerate().rev() {
            stack.push(Pending {
                node: child,
                indent: child_indent,
                just_branched: branches,
                row: Row {
                    node: child,
                    indent: child_indent,
                    show_connector: branches,
                    is_last: i + 1 == children.len(),
                    gutters: Rc::clone(&child_gutters),
                    virtual_root_child: false,
                },
            });
        }
        out.push(row);
    }
    out
}

/// A row drawn before horizontal scrolling.
pub(super) struct RenderedRow {
    pub(super) gutter: String,
    pub(super) body: String,
    /// Where the entry's text starts, after the tree drawing.
    pub(super) anchor_col: usize,
    pub(super) body_width: usize,
    pub(super) selected: bool,
}

/// Fits rows to `width`. The cursor gutter always shows; the bodies shift left only when the
/// selected row's text would start too far right to read.
pub(super) fn horizontal_viewport(rows: &[RenderedRow], width: usize) -> Vec<String> {
    let viewport = width.saturating_sub(GUTTER_WIDTH);
    let widest = rows.iter().map(|r| r.body_width).max().unwrap_or(0);
    let max_scroll = widest.saturating_sub(viewport);
    let mut scroll = 0;
    if let Some(row) = rows.iter().find(|r| r.selected)
        && max_scroll > 0
    {
        let min_visible = (viewport / 3).clamp(4, 20);
        if row.anchor_col + min_visible > viewport {
            let context = (viewport / 4).clamp(2, 12);
            scroll = max_scroll.min(row.anchor_col.saturating_sub(context));
        }
    }
    rows.iter()
        .map(|row| {
            let line = if scroll > 0 {
                format!(
                    "{}{}\x1b[0m",
                    row.gutter,
                    slice_by_column(&row.body, scroll, viewport, true)
                )
            } else {
                format!("{}{}", row.gutter, row.body)
            };
            truncate_to_width(&line, width, "", false)
        })
        .collect()
}
