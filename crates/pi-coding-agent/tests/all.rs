//! pi-coding-agent's integration tests, gathered in one binary to keep linking cheap.
// A failed expectation is how a test reports; helpers outside `#[test]` functions too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod suite;
