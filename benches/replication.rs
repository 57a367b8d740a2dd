//! `cargo bench --features bench --bench replication`: one replication of each benchmark
//! scenario as a sweep runs it (seed 1, no trace, no report: `sim::run_on` on recipient lists
//! built once, replaying the campaign steps recorded once where `sim::script::record` can),
//! timed by criterion, which prints the time per replication and, since each is given its event
//! count as throughput, events per second ("event" as the README's Speed section defines it).
//! `... --bench replication -- big` runs one.
//!
//! Peak memory is not measured here: criterion runs every benchmark in one process, so the
//! process's peak is the largest scenario's. `cargo bench --bench throughput` prints peak memory
//! per scenario and `cargo bench --bench growth` per list size.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use scenario::Scenario;

/// The scenarios, where each lives, and how long criterion spends on each.
const SCENARIOS: [(&str, &str, Option<u64>); 3] = [
    // One campaign of 500: a replication is a fraction of a millisecond.
    ("single-500", "scenarios/single-500.toml", None),
    // The SimPy model's launch.json translated by its to_toml.py (12 x 5,000, 8 h cutoff).
    ("peers-launch", "benches/scenarios/peers-launch.toml", None),
    // 200 x 20,000, 24 h cutoff: over a second a replication, so ten of them, one per sample.
    ("big", "scenarios/big.toml", Some(16)),
];

fn replication(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let opts = sim::Options {
        seed: 1,
        trace: false,
    };
    let mut group = c.benchmark_group("replication");
    for (name, file, slow) in SCENARIOS {
        let scn = Scenario::load(&root.join(file)).expect("benchmark scenarios are valid");
        let population = sim::population::build(&scn);
        let script = sim::script::record(&scn, &population);
        let replicate = || sim::run_on(&scn, &population, script.as_ref(), &opts).events;
        // A run's events depend on its seed alone: every iteration below does this many.
        let events = replicate();
        group.throughput(Throughput::Elements(events));
        match slow {
            Some(secs) => group
                .sample_size(10)
                .sampling_mode(SamplingMode::Flat)
                .warm_up_time(Duration::from_secs(2))
                .measurement_time(Duration::from_secs(secs)),
            None => group
                .sample_size(50)
                .sampling_mode(SamplingMode::Auto)
                .warm_up_time(Duration::from_secs(1))
                .measurement_time(Duration::from_secs(5)),
        };
        group.bench_function(name, |b| b.iter(|| black_box(replicate())));
    }
    group.finish();
}

criterion_group!(benches, replication);
criterion_main!(benches);
