//! Regressions in the engine.
