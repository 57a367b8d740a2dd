//! One small test per defect that was found and fixed, named after what broke (ripgrep's
//! `tests/regression.rs` style). Each failed before its fix.

mod engine;
mod outputs;
mod reader;
