//! Regressions in the reader.
