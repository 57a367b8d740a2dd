//! Recording the campaigns' steps once for the runs of a sweep (see [`engine::Script`]).
//!
//! A run's campaign steps differ from seed to seed only where an opt-out skips someone, and a
//! customer opts out only after being texted. So when no phone is texted twice in a scenario
//! (outside the rows `send_once` passes over as duplicates), every run takes the same steps:
//! they are recorded by driving the engine alone, in a world where nobody answers, and each
//! run replays them. (Background customers write to an inbox, never to a number, so their
//! keywords opt nobody out.) The records those steps make of recipients (sends, skips,
//! unreached rows) are then the same in every run too, and are counted once ([`Recorded`]).

use std::sync::Arc;

use engine::{Action, Engine, Script};
use model::record::{Observer, Record};
use model::time::Instant;
use model::{CampaignId, Duplicates, OutreachId};
use scenario::Scenario;

use crate::driver::{Driver, Silent};
use crate::engine_config;
use crate::metrics::{Metrics, Timeline};
use crate::population::Population;

/// A scenario's campaign steps, recorded once for many runs, with the metrics their own records
/// make: the records of recipients (sends, skips, unreached rows) are those of every run.
pub struct Recorded {
    pub(crate) script: Arc<Script>,
    /// The metrics and series of those records alone. A run whose other observers do not read
    /// them starts from these ([`Observer::reads_recipients`]): a send then costs the run no
    /// record (0.95x the time of a sweep of the peers' launch, 0.93x of `size`).
    pub(crate) counted: (Metrics, Timeline),
}

impl Recorded {
    /// How many campaign steps it holds.
    pub fn steps(&self) -> usize {
        self.script.steps()
    }
}

/// Lists longer than this in all are not recorded: a script holds about one and a half actions
/// of 32 bytes per row, and a sweep holds it for as long as it runs (50 MB at this size).
const MAX_ROWS: usize = 1_000_000;

/// The campaign steps every run of `scn` takes, or `None` where a run's own opt-outs could
/// change them (a phone texted twice) or the lists are too long to keep their steps.
pub fn record(scn: &Scenario, population: &Population) -> Option<Recorded> {
    let rows: usize = population.lists.iter().flatten().map(|l| l.len()).sum();
    if rows > MAX_ROWS || !no_phone_texted_twice(scn, population) {
        return None;
    }
    let mut script = Script::default();
    let mut engine = {
        let engine = Engine::new(engine_config(scn, population.lists.clone()));
        let recorder = Silent(|now, decided: &[Action]| script.step(now, decided));
        let mut driver = Driver::new(engine, recorder, scn.until);
        driver.run_until_end(&mut |_| {});
        driver.engine
    };
    let after = engine.next_wakeup();
    let campaigns = engine.campaigns();
    let at_end = CampaignId::all(campaigns)
        .map(|c| {
            let mut decided = Vec::new();
            engine.end_of_run(c, &mut decided);
            decided
        })
        .collect();
    let statuses = CampaignId::all(campaigns)
        .map(|c| {
            OutreachId::all(population.lists[c.index()].len())
                .map(|o| engine.outreach_status(c, o))
                .collect()
        })
        .collect();
    script.end(after, at_end, statuses);
    let counted = count_recipients(scn, population, &script);
    Some(Recorded {
        script: Arc::new(script),
        counted,
    })
}

/// The metrics and series that the records of recipients in `script` make, as a run's own
/// metrics count them.
fn count_recipients(
    scn: &Scenario,
    population: &Population,
    script: &Script,
) -> (Metrics, Timeline) {
    // Reply rates are drawn per run, and are not the recipients' records' to count.
    let rates = vec![0.0; scn.campaigns.len()];
    let mut counted = (
        Metrics::new(scn, &population.lists, &rates),
        Timeline::new(scn),
    );
    // The end of the run decides unreached rows (and statuses), counted whatever the instant.
    let ends = script.each_end().map(|actions| (Instant::START, actions));
    for (at, actions) in script.each_step().chain(ends) {
        for action in actions {
            let record = match *action {
                Action::Send { to, phone, number } => Record::Send { to, phone, number },
                Action::Skip { to, phone, reason } => Record::Skip { to, phone, reason },
                Action::Unreached { to, phone, reason } => Record::Unreached { to, phone, reason },
                _ => continue,
            };
            counted.observe(at, &record);
        }
    }
    counted
}

/// Whether every phone the campaigns may text is listed once: in one row of one list, or in
/// several rows of one list under `send_once` (the later ones are passed over unchecked).
fn no_phone_texted_twice(scn: &Scenario, population: &Population) -> bool {
    let mut phones: Vec<u64> = Vec::new();
    for list in population.lists.iter().flatten() {
        let mut listed: Vec<u64> = list.iter().map(|r| r.phone.0).collect();
        if scn.limits.duplicates == Duplicates::SendOnce {
            listed.sort_unstable();
            listed.dedup();
        }
        phones.extend(listed);
    }
    phones.sort_unstable();
    phones.windows(2).all(|w| w[0] != w[1])
}
