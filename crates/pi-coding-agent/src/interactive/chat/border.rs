//! [`DynamicBorder`]: a horizontal rule as wide as the screen.

use pi_tui::Component;
use pi_tui::style::StyleFn;

/// A line of `─` across the whole width, in a colour.
pub struct DynamicBorder {
    color: StyleFn,
}

impl std::fmt::Debug for DynamicBorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DynamicBorder").finish_non_exhaustive()
    }
}

impl DynamicBorder {
    /// A border drawn with this style.
    pub fn new(color: StyleFn) -> Self {
        DynamicBorder { color }
    }
}

impl Component for DynamicBorder {
    fn render(&mut self, width: usize) -> Vec<String> {
        vec![(self.color)(&"─".repeat(width.max(1)))]
    }
}
