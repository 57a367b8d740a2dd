//! `cargo bench`: events per second, replications per second (one thread) and peak memory on
//! the shipped scenarios. Each replication is what `run` simulates: `sim::run_in_parts`, here on
//! a pool of one thread.
//! Timings on shared machines are noisy: compare runs side by side, as ratios.

use std::path::Path;
use std::time::Instant;

use scenario::Scenario;

/// Peak resident memory of this process so far, from Linux's /proc (None elsewhere).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    // `cargo bench -- NAME` runs only scenarios whose file name contains NAME.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    println!(
        "{:<16} {:>5} {:>12} {:>9} {:>9} {:>14} {:>14}",
        "scenario", "runs", "events/run", "s/run", "runs/s", "events/s", "peak RSS MiB"
    );
    for (file, runs) in [
        ("single-500.toml", 200),
        ("launch.toml", 20),
        ("big.toml", 3),
    ] {
        if filter.as_deref().is_some_and(|f| !file.contains(f)) {
            continue;
        }
        let scn = Scenario::load(&root.join(file)).expect("shipped scenarios are valid");
        let one_thread = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("a pool of one thread");
        let started = Instant::now();
        let mut events = 0;
        for seed in 1..=runs {
            let opts = sim::Options { seed, trace: false };
            events += one_thread
                .install(|| sim::run_in_parts(&scn, &opts, &|_| {}))
                .events;
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{:<16} {:>5} {:>12} {:>9.3} {:>9.1} {:>14.0} {:>14}",
            file.trim_end_matches(".toml"),
            runs,
            events / runs,
            secs / runs as f64,
            runs as f64 / secs,
            events as f64 / secs,
            peak_rss_mib().map_or("n/a".into(), |m| format!("{m:.0}"))
        );
    }
}
