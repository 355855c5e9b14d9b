//! Data for the benchmarks.
pub mod sessions;
