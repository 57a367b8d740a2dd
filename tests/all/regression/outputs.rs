//! Regressions in the outputs.
