//! campaign-sim: a deterministic simulator and load-test harness for proactive SMS campaigns.
//!
//! - [`engine`]: the campaign system under test (limiter, outreaches, opt-outs, inboxes), sans-IO.
//! - [`scenario`]: the scenario file, parsed and checked.
//! - [`sim`]: the discrete-event harness: virtual clock, mock carrier, mock customers.
//! - [`audit`]: proves the invariants on a trace, independently of the engine.
//! - [`report`]: summary.json, trace.csv and the console table.

pub mod audit;
pub mod charts;
pub mod check;
pub mod engine;
pub mod metrics;
pub mod realtime;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod time;
pub mod trace;
