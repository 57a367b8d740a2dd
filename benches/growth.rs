//! `cargo bench --bench growth`: how a replication's time and peak memory grow with the lists.
//! `scenarios/big.toml` (200 campaigns x 20,000, 24 h cutoff) with every `count` multiplied by
//! 1, 2 and 4, simulated as `run` does (`sim::run_in_parts`) on a pool of one thread, seed 1;
//! a table of the median time per run, events, sends and peak resident memory per size, and
//! each time as a multiple of the 1x time.
//!
//! `cargo bench --bench growth -- no-end` drops the campaigns' end times, so the sends (not only
//! the unreached rows) grow with the lists; `runs=N` sets the runs per size (default 3).
//! Timings on shared machines are noisy: compare runs side by side, as ratios.

use std::path::Path;
use std::time::Instant;

use scenario::Scenario;

/// Peak resident memory of this process since the last [`reset_peak_rss`], from Linux's /proc
/// (None elsewhere).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Starts the peak over from the memory resident now (Linux 4.0 on: `5` to clear_refs); false
/// where that is not allowed, and the peaks printed are then the process's so far.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// `text` with every `count = N` multiplied by `scale`, and without `end = ...` lines where
/// `no_end`.
fn scaled(text: &str, scale: u64, no_end: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        if no_end && line.trim_start().starts_with("end = ") {
            continue;
        }
        match line.split_once("count = ") {
            Some((head, tail)) => {
                let digits = tail.trim_start_matches(|c: char| c.is_ascii_digit());
                let n: u64 = tail[..tail.len() - digits.len()]
                    .parse()
                    .expect("big.toml's counts are numbers");
                out.push_str(&format!("{head}count = {}{digits}", n * scale));
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let no_end = args.iter().any(|a| a == "no-end");
    let runs: usize = args
        .iter()
        .find_map(|a| a.strip_prefix("runs="))
        .map_or(3, |n| n.parse().expect("runs=N takes a number"))
        .max(1);
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/big.toml");
    let text = std::fs::read_to_string(&path).expect("big.toml is shipped");
    let opts = sim::Options {
        seed: 1,
        trace: false,
    };
    println!(
        "big.toml{}, seed 1, {runs} runs per size, one thread",
        if no_end { " without end times" } else { "" }
    );
    println!(
        "{:<6} {:>12} {:>12} {:>12} {:>9} {:>9} {:>12} {:>14}",
        "lists", "recipients", "sends", "events/run", "s/run", "x 1x", "events/s", "peak RSS MiB"
    );
    let one_thread = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool of one thread");
    let mut base = None;
    for scale in [1, 2, 4] {
        let scn = Scenario::parse(&path, &scaled(&text, scale, no_end))
            .expect("a scaled big.toml is valid");
        let reset = reset_peak_rss();
        let mut secs = Vec::with_capacity(runs);
        // Every run of one seed is the same; each outcome is dropped before the next run, so
        // the peak is one run's.
        let (mut recipients, mut sends, mut events) = (0, 0, 0);
        for _ in 0..runs {
            let started = Instant::now();
            let outcome = one_thread.install(|| sim::run_in_parts(&scn, &opts, &|_| {}));
            secs.push(started.elapsed().as_secs_f64());
            recipients = outcome.campaigns.iter().map(|c| c.recipients).sum();
            sends = outcome.campaigns.iter().map(|c| c.sent).sum();
            events = outcome.events;
        }
        secs.sort_by(f64::total_cmp);
        let median = secs[secs.len() / 2];
        let base = *base.get_or_insert(median);
        println!(
            "{:<6} {:>12} {:>12} {:>12} {:>9.2} {:>9.2} {:>12.0} {:>14}",
            format!("{scale}x"),
            recipients,
            sends,
            events,
            median,
            median / base,
            events as f64 / median,
            match (peak_rss_mib(), reset) {
                (Some(m), true) => format!("{m:.0}"),
                (Some(m), false) => format!("{m:.0} (so far)"),
                (None, _) => "n/a".into(),
            }
        );
    }
}
