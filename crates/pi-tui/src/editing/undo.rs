//! Snapshots to undo to.

/// A stack of earlier states.
#[derive(Debug, Clone)]
pub struct UndoStack<T> {
    stack: Vec<T>,
    limit: usize,
}

impl<T> Default for UndoStack<T> {
    fn default() -> Self {
        Self::new(1000)
    }
}

impl<T> UndoStack<T> {
    /// A stack keeping at most `limit` snapshots (the oldest go first).
    pub fn new(limit: usize) -> Self {
        Self {
            stack: Vec::new(),
            limit: limit.max(1),
        }
    }

    /// Saves a state.
    pub fn push(&mut self, state: T) {
        if self.stack.len() >= self.limit {
            self.stack.remove(0);
        }
        self.stack.push(state);
    }

    /// The most recent state, removed.
    pub fn pop(&mut self) -> Option<T> {
        self.stack.pop()
    }

    /// Forgets every state.
    pub fn clear(&mut self) {
        self.stack.clear();
    }

    /// How many states are saved.
    pub fn len(&self) -> usize {
        self.stack.len()
    }

    /// Whether there is nothing to undo.
    pub fn is_empty(&self) -> bool {
        self.stack.is_empty()
    }
}
