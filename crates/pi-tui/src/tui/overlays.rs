//! Showing, hiding and focusing overlays on a [`Tui`].

use super::Tui;
use crate::component::{ComponentRef, same_component};
use crate::overlay::{OverlayEntry, OverlayId, OverlayLayout, OverlayOptions};
use crate::terminal::Terminal;

impl<T: Terminal> Tui<T> {
    /// Shows a component on top of the content. Unless it is non-capturing, it takes focus.
    pub fn show_overlay(&mut self, component: ComponentRef, options: OverlayOptions) -> OverlayId {
        self.next_overlay += 1;
        self.focus_counter += 1;
        let id = OverlayId(self.next_overlay);
        let capture = !options.non_capturing;
        let entry = OverlayEntry {
            id,
            component: component.clone(),
            options,
            pre_focus: self.focused.clone(),
            hidden: false,
            focus_order: self.focus_counter,
            bounds: None,
        };
        let (columns, rows) = self.size();
        let visible = entry.is_visible(columns, rows);
        self.overlays.push(entry);
        if capture && visible {
            self.set_focus(Some(component));
        }
        self.render_requested = true;
        id
    }

    pub(super) fn size(&self) -> (usize, usize) {
        let s = self.terminal.size();
        (usize::from(s.columns), usize::from(s.rows))
    }

    fn topmost_capturing(&self) -> Option<&OverlayEntry> {
        let (columns, rows) = self.size();
        self.overlays
            .iter()
            .filter(|e| !e.options.non_capturing && e.is_visible(columns, rows))
            .max_by_key(|e| e.focus_order)
    }

    fn is_focused(&self, component: &ComponentRef) -> bool {
        self.focused
            .as_ref()
            .is_some_and(|f| same_component(f, component))
    }

    /// Removes an overlay; focus goes to the topmost remaining overlay or back to what had
    /// it before.
    pub fn hide_overlay(&mut self, id: OverlayId) {
        let Some(index) = self.overlays.iter().position(|e| e.id == id) else {
            return;
        };
        let entry = self.overlays.remove(index);
        // Overlays shown while this one had focus give focus back to what it gave back to.
        for other in &mut self.overlays {
            if other
                .pre_focus
                .as_ref()
                .is_some_and(|p| same_component(p, &entry.component))
            {
                other.pre_focus = entry.pre_focus.clone();
            }
        }
        if self.is_focused(&entry.component) {
            let next = self
                .topmost_capturing()
                .map(|e| e.component.clone())
                .or(entry.pre_focus);
            self.set_focus(next);
        }
        self.render_requested = true;
    }

    /// Removes the most recently shown overlay.
    pub fn hide_top_overlay(&mut self) {
        if let Some(id) = self.overlays.last().map(|e| e.id) {
            self.hide_overlay(id);
        }
    }

    /// Hides or shows an overlay without removing it.
    pub fn set_overlay_hidden(&mut self, id: OverlayId, hidden: bool) {
        let Some(entry) = self.overlays.iter_mut().find(|e| e.id == id) else {
            return;
        };
        if entry.hidden == hidden {
            return;
        }
        entry.hidden = hidden;
        let component = entry.component.clone();
        let pre_focus = entry.pre_focus.clone();
        let capture = !entry.options.non_capturing;
        if hidden {
            if self.is_focused(&component) {
                let next = self
                    .topmost_capturing()
                    .map(|e| e.component.clone())
                    .or(pre_focus);
                self.set_focus(next);
            }
        } else if capture {
            self.focus_overlay(id);
        }
        self.render_requested = true;
    }

    /// Brings an overlay to the top and focuses it.
    pub fn focus_overlay(&mut self, id: OverlayId) {
        let (columns, rows) = self.size();
        self.focus_counter += 1;
        let order = self.focus_counter;
        let Some(entry) = self.overlays.iter_mut().find(|e| e.id == id) else {
            return;
        };
        if !entry.is_visible(columns, rows) {
            return;
        }
        entry.focus_order = order;
        let component = entry.component.clone();
        self.set_focus(Some(component));
        self.render_requested = true;
    }

    /// Gives focus away from an overlay: to the topmost other overlay, or to what had focus
    /// before it.
    pub fn unfocus_overlay(&mut self, id: OverlayId) {
        let Some(entry) = self.overlays.iter().find(|e| e.id == id) else {
            return;
        };
        if !self.is_focused(&entry.component) {
            return;
        }
        let pre_focus = entry.pre_focus.clone();
        let next = self
            .topmost_capturing()
            .filter(|e| e.id != id)
            .map(|e| e.component.clone())
            .or(pre_focus);
        self.set_focus(next);
    }

    /// Whether any overlay is visible.
    pub fn has_overlay(&self) -> bool {
        let (columns, rows) = self.size();
        self.overlays.iter().any(|e| e.is_visible(columns, rows))
    }

    /// Whether this overlay has focus.
    pub fn is_overlay_focused(&self, id: OverlayId) -> bool {
        self.overlays
            .iter()
            .any(|e| e.id == id && self.is_focused(&e.component))
    }

    /// Whether this overlay is hidden.
    pub fn is_overlay_hidden(&self, id: OverlayId) -> bool {
        self.overlays.iter().any(|e| e.id == id && e.hidden)
    }

    /// Where the overlay was drawn in the last frame.
    pub fn overlay_bounds(&self, id: OverlayId) -> Option<OverlayLayout> {
        self.overlays
            .iter()
            .find(|e| e.id == id)
            .and_then(|e| e.bounds)
    }

    /// If focus sits on an overlay that is no longer visible (hidden, or its visibility rule
    /// says no at this size), moves it on before routing input.
    pub(super) fn refocus_if_overlay_hidden(&mut self) {
        let (columns, rows) = self.size();
        let Some(focused) = &self.focused else { return };
        let stale = self
            .overlays
            .iter()
            .find(|e| same_component(&e.component, focused))
            .filter(|e| !e.is_visible(columns, rows))
            .map(|e| e.pre_focus.clone());
        if let Some(pre_focus) = stale {
            let next = self
                .topmost_capturing()
                .map(|e| e.component.clone())
                .or(pre_focus);
            self.set_focus(next);
        }
    }
}
