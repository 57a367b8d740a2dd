//! Monte Carlo sweeps: many seeded runs of one scenario, how each metric spreads over them, and
//! shards of a sweep that run on many machines and merge into exactly what one sweep writes.
//!
//! - [`shard`]: which runs a shard takes (`I/N`, or a batch system's array index).
//! - [`header`]: what a sweep is of, carried in every shard so `merge` needs no scenario.
//! - [`state`]: runs' values and band histograms; one run's replication.
//! - [`bands`]: per-bin hdrhistograms behind the band charts.
//! - [`stats`]: mean, nearest-rank percentiles, Student t interval.
//! - [`outputs`]: `sweep.json`, `runs.csv`, the band charts and `index.html`, from a state.
//! - [`files`]: shard folders, written and read back.
//! - [`merge`]: checks a set of shards is one whole sweep, and adds them up.

pub mod bands;
pub mod files;
pub mod header;
mod html;
pub mod merge;
pub mod outputs;
pub mod shard;
pub mod state;
pub mod stats;

use rayon::prelude::*;

use scenario::Scenario;

pub use header::Header;
pub use merge::merge;
pub use outputs::outputs;
pub use shard::Shard;
pub use state::State;

/// Runs `shard`'s slice of a sweep of `runs` runs of `scn` on rayon's threads, calling
/// `done` after each run (progress bars). Runs finish in any order; the state does not depend
/// on it: values are kept by run number, histograms add up exactly.
pub fn simulate(scn: &Scenario, runs: u64, shard: Shard, done: &(dyn Fn() + Sync)) -> State {
    let population = sim::population::build(scn);
    // Every run takes the same campaign steps when no phone is texted twice: recorded once.
    let script = sim::script::record(scn, &population);
    let header = Header::of(scn, &population, runs);
    let mine: Vec<u64> = shard.runs(runs).collect();
    let empty = || State::new(header.clone());
    mine.par_iter()
        .fold(empty, |mut acc, &run| {
            acc.replicate(scn, &population, script.as_ref(), run);
            done();
            acc
        })
        .reduce(empty, |mut a, b| {
            a.add(b);
            a
        })
        .in_run_order()
}
