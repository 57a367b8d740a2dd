//! Any bytes given as a scenario file must give a scenario or a located error, never a panic; and
//! a scenario that reads must plan (`validate`) and run a short while with nothing for the
//! auditor to find.
#![no_main]

use std::path::Path;

use campaign_sim::model::time;
use campaign_sim::scenario::{Recipients, Scenario};
use campaign_sim::{audit, sim};
use libfuzzer_sys::fuzz_target;

/// Runs stay short so the fuzzer tries many inputs: three simulated days, modest lists.
fn horizon() -> time::Instant {
    time::Instant::START + 3 * time::DAY
}
const MAX_RECIPIENTS: usize = 5_000;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut scn) = Scenario::parse(Path::new("fuzz.toml"), text) else {
        return;
    };
    let recipients: usize = scn
        .campaigns
        .iter()
        .flat_map(|c| &c.outreaches)
        .map(|o| match &o.recipients {
            Recipients::Generated { count, .. } => *count as usize,
            Recipients::Listed { rows, .. } => rows.len(),
        })
        .sum();
    if recipients > MAX_RECIPIENTS {
        return;
    }
    scn.until = Some(scn.until.map_or(horizon(), |u| u.min(horizon())));
    sim::plan(&scn);
    let outcome = sim::run(&scn, &sim::Options { seed: 1, trace: true });
    let lists = sim::population::build(&scn).lists;
    let violations = audit::audit(&scn, &lists, &outcome.trace);
    assert!(violations.is_empty(), "{}\n{text}", violations[0]);
});
