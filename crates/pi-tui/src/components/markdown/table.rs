//! Tables drawn with box characters, columns fitted to the width: natural widths when they
//! fit, otherwise every column keeps its longest word (up to 30 columns) and the rest of the
//! room is shared in proportion to what each column wants; cells wrap.

use crate::style::StyleFn;
use crate::width::visible_width;
use crate::wrap::wrap_text_with_ansi;

const MAX_UNBROKEN_WORD: usize = 30;

fn longest_word(text: &str) -> usize {
    text.split_whitespace()
        .map(visible_width)
        .max()
        .unwrap_or(0)
        .min(MAX_UNBROKEN_WORD)
}

fn column_widths(header: &[String], rows: &[Vec<String>], available: usize) -> Vec<usize> {
    let n = header.len();
    let mut natural: Vec<usize> = header.iter().map(|h| visible_width(h)).collect();
    let mut min_word: Vec<usize> = header.iter().map(|h| longest_word(h).max(1)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(n) {
            if let Some(w) = natural.get_mut(i) {
                *w = (*w).max(visible_width(cell));
            }
            if let Some(w) = min_word.get_mut(i) {
                *w = (*w).max(longest_word(cell));
            }
        }
    }
    let overhead = 3 * n + 1;
    let for_cells = available.saturating_sub(overhead);
    let mut min_cols = min_word.clone();
    if min_cols.iter().sum::<usize>() > for_cells {
        min_cols = vec![1; n];
        let remaining = for_cells.saturating_sub(n);
        let weight: usize = min_word.iter().map(|w| w.saturating_sub(1)).sum();
        let mut allocated = 0;
        for (i, w) in min_word.iter().enumerate() {
            let grow = (w.saturating_sub(1) * remaining)
                .checked_div(weight)
                .unwrap_or(0);
            if let Some(c) = min_cols.get_mut(i) {
                *c += grow;
            }
            allocated += grow;
        }
        let mut leftover = remaining.saturating_sub(allocated);
        for c in &mut min_cols {
            if leftover == 0 {
                break;
            }
            *c += 1;
            leftover -= 1;
        }
    }
    if natural.iter().sum::<usize>() + overhead <= available {
        return natural
            .iter()
            .zip(&min_cols)
            .map(|(a, b)| (*a).max(*b))
            .collect();
    }
    let min_total: usize = min_cols.iter().sum();
    let potential: usize = natural
        .iter()
        .zip(&min_cols)
        .map(|(nat, min)| nat.saturating_sub(*min))
        .sum();
    let extra = for_cells.saturating_sub(min_total);
    let mut widths: Vec<usize> = min_cols
        .iter()
        .zip(&natural)
        .map(|(min, nat)| {
            let grow = (nat.saturating_sub(*min) * extra)
                .checked_div(potential)
                .unwrap_or(0);
            min + grow
        })
        .collect();
    let mut remaining = for_cells.saturating_sub(widths.iter().sum());
    while remaining > 0 {
        let mut grew = false;
        for (w, nat) in widths.iter_mut().zip(&natural) {
            if remaining > 0 && *w < *nat {
                *w += 1;
                remaining -= 1;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    widths
}

fn cell_lines(text: &str, width: usize) -> Vec<String> {
    let lines = wrap_text_with_ansi(text, width.max(1));
    let n = lines.len();
    // Styles are closed at each cell line break so they do not run into the border.
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 < n {
                format!("{l}\x1b[22;23;24;25;27;28;29;39m")
            } else {
                l
            }
        })
        .collect()
}

fn row_lines(cells: &[String], widths: &[usize], style: Option<&StyleFn>) -> Vec<String> {
    let wrapped: Vec<Vec<String>> = widths
        .iter()
        .enumerate()
        .map(|(i, w)| cell_lines(cells.get(i).map_or("", String::as_str), *w))
        .collect();
    let height = wrapped.iter().map(Vec::len).max().unwrap_or(1);
    (0..height)
        .map(|k| {
            let parts: Vec<String> = wrapped
                .iter()
                .zip(widths)
                .map(|(lines, w)| {
                    let text = lines.get(k).map_or("", String::as_str);
                    let padded = format!(
                        "{text}{}",
                        " ".repeat(w.saturating_sub(visible_width(text)))
                    );
                    style.map_or_else(|| padded.clone(), |s| s(&padded))
                })
                .collect();
            format!("│ {} │", parts.join(" │ "))
        })
        .collect()
}

/// The table's lines; when even one column per cell does not fit, the cells are shown as
/// wrapped text instead.
pub(crate) fn render(
    header: &[String],
    rows: &[Vec<String>],
    width: usize,
    bold: &StyleFn,
) -> Vec<String> {
    let n = header.len();
    if n == 0 {
        return Vec::new();
    }
    if width.saturating_sub(3 * n + 1) < n {
        let mut out = Vec::new();
        for row in std::iter::once(header.to_vec()).chain(rows.iter().cloned()) {
            out.extend(wrap_text_with_ansi(&row.join(" | "), width.max(1)));
        }
        return out;
    }
    let widths = column_widths(header, rows, width);
    let rule = |l: &str, m: &str, r: &str| {
        let cells: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
        format!("{l}─{}─{r}", cells.join(&format!("─{m}─")))
    };
    let mut out = vec![rule("┌", "┬", "┐")];
    out.extend(row_lines(header, &widths, Some(bold)));
    out.push(rule("├", "┼", "┤"));
    for (i, row) in rows.iter().enumerate() {
        out.extend(row_lines(row, &widths, None));
        if i + 1 < rows.len() {
            out.push(rule("├", "┼", "┤"));
        }
    }
    out.push(rule("└", "┴", "┘"));
    out
}
