//! campaign-sim: the command line's library. The work is done by the crates under `crates/`;
//! this crate holds what only the commands need (`check`'s many-seed runs) and re-exports the
//! crates so integration tests reach everything through one name.
//!
//! - [`model`]: the shared vocabulary (time, phones, limits, schedules, statuses, records).
//! - [`engine`]: the campaign system under test, sans-IO.
//! - [`scenario`]: the scenario file, parsed and checked.
//! - [`sim`]: the discrete-event harness: virtual clock, mock carrier, mock customers.
//! - [`audit`]: proves the invariants on a run's records, independently of the engine.
//! - [`report`]: summary.json, CSVs, charts, index.html and the console table.
//! - [`sweep`]: many seeded runs, their spread, band charts, and shards that merge.
//! - [`sizing`]: `size`'s search for the fewest agents per interval, and Erlang C beside it.

pub mod check;

pub use {audit, engine, model, report, scenario, sim, sizing, sweep};
