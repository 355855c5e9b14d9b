//! pi-ai's integration tests, gathered in one binary to keep linking cheap.

mod suite;
