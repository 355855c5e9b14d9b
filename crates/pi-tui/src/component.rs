//! The [`Component`] contract and the [`Container`] that stacks components.

use std::cell::RefCell;
use std::rc::Rc;

/// A zero-width marker a focused component puts where the text cursor is. The renderer
/// removes it and moves the terminal's cursor there, so input methods (IME) place their
/// candidate window at the right spot.
pub const CURSOR_MARKER: &str = "\x1b_pi:c\x07";

/// Something that draws itself as lines and may take keyboard input.
///
/// `render` returns one string per terminal row. Each may hold SGR styles, OSC 8 links and
/// the [`CURSOR_MARKER`], and must be at most `width` columns wide as measured by
/// [`crate::visible_width`]. (The renderer cuts a line that is wider rather than let the
/// terminal wrap it, but the component then loses its last columns.) Rendering must not
/// panic on any content.
pub trait Component {
    /// The component's lines at this width.
    fn render(&mut self, width: usize) -> Vec<String>;

    /// Handles one input sequence (a key, a paste with its markers) while focused.
    fn handle_input(&mut self, _data: &str) {}

    /// Whether the component wants Kitty key-release events; most do not, and they are
    /// dropped before reaching it.
    fn wants_key_release(&self) -> bool {
        false
    }

    /// Drops render caches, for example after a theme change.
    fn invalidate(&mut self) {}

    /// Told when the component gains or loses focus. Focused components draw their cursor.
    fn set_focused(&mut self, _focused: bool) {}
}

/// A shared handle to a component: the UI tree and the application both hold one, as in pi,
/// so the application can change a component that is on screen.
pub type ComponentRef = Rc<RefCell<dyn Component>>;

/// Wraps a component in a [`ComponentRef`]-compatible handle, keeping its concrete type.
pub fn shared<C: Component + 'static>(component: C) -> Rc<RefCell<C>> {
    Rc::new(RefCell::new(component))
}

/// Whether two handles point at the same component.
pub fn same_component(a: &ComponentRef, b: &ComponentRef) -> bool {
    std::ptr::addr_eq(Rc::as_ptr(a), Rc::as_ptr(b))
}

/// Components drawn one below the other.
#[derive(Default)]
pub struct Container {
    children: Vec<ComponentRef>,
}

impl std::fmt::Debug for Container {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Container")
            .field("children", &self.children.len())
            .finish()
    }
}

impl Container {
    /// An empty container.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a component at the bottom.
    pub fn add_child(&mut self, child: ComponentRef) {
        self.children.push(child);
    }

    /// Inserts a component at `index` (clamped to the end).
    pub fn insert_child(&mut self, index: usize, child: ComponentRef) {
        let index = index.min(self.children.len());
        self.children.insert(index, child);
    }

    /// Removes a component, if it is a direct child.
    pub fn remove_child(&mut self, child: &ComponentRef) {
        self.children.retain(|c| !same_component(c, child));
    }

    /// Removes every child.
    pub fn clear(&mut self) {
        self.children.clear();
    }

    /// The children, top to bottom.
    pub fn children(&self) -> &[ComponentRef] {
        &self.children
    }
}

impl Component for Container {
    fn render(&mut self, width: usize) -> Vec<String> {
        let mut lines = Vec::new();
        for child in &self.children {
            // A child that is being borrowed elsewhere (it is rendering itself into this
            // container, a cycle) is skipped rather than panicking.
            if let Ok(mut child) = child.try_borrow_mut() {
                lines.extend(child.render(width));
            }
        }
        lines
    }

    fn invalidate(&mut self) {
        for child in &self.children {
            if let Ok(mut child) = child.try_borrow_mut() {
                child.invalidate();
            }
        }
    }
}
