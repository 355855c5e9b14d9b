//! The Emacs-style kill ring.

/// Killed text, most recent last. Consecutive kills accumulate into one entry.
#[derive(Debug, Clone, Default)]
pub struct KillRing {
    ring: Vec<String>,
}

impl KillRing {
    /// Adds killed text. With `accumulate` it joins the last entry: before it when
    /// `prepend` (killing backward), after it otherwise.
    pub fn push(&mut self, text: &str, prepend: bool, accumulate: bool) {
        if text.is_empty() {
            return;
        }
        match self.ring.last_mut() {
            Some(last) if accumulate => {
                if prepend {
                    last.insert_str(0, text);
                } else {
                    last.push_str(text);
                }
            }
            _ => self.ring.push(text.to_owned()),
        }
    }

    /// The most recent entry.
    pub fn peek(&self) -> Option<&str> {
        self.ring.last().map(String::as_str)
    }

    /// Moves the most recent entry to the back, for yank-pop.
    pub fn rotate(&mut self) {
        if self.ring.len() > 1
            && let Some(last) = self.ring.pop()
        {
            self.ring.insert(0, last);
        }
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.ring.len()
    }

    /// Whether nothing was killed yet.
    pub fn is_empty(&self) -> bool {
        self.ring.is_empty()
    }
}
