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

use std::sync::atomic::{AtomicUsize, Ordering};

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
    // One state per thread, each thread taking the next run no thread has taken. A parallel
    // iterator's fold made a state per piece it split the runs into (40 for 200 runs on two
    // threads), each with a histogram per bin and series to allocate, zero and add up again:
    // a 200-run sweep of the peers' launch now takes 0.86x the time with two jobs (peak 43 MiB
    // instead of 66), 0.96x with one.
    let next = AtomicUsize::new(0);
    let states = rayon::broadcast(|_| {
        let mut state = State::new(header.clone());
        while let Some(&run) = mine.get(next.fetch_add(1, Ordering::Relaxed)) {
            state.replicate(scn, &population, script.as_ref(), run);
            done();
        }
        state
    });
    let mut states = states.into_iter();
    let mut all = states.next().expect("a pool has a thread");
    for state in states {
        all.add(state);
    }
    all.in_run_order()
}
