//! Recording the campaigns' steps once for the runs of a sweep (see [`engine::Script`]).
//!
//! A run's campaign steps differ from seed to seed only where an opt-out skips someone, and a
//! customer opts out only after being texted. So when no phone is texted twice in a scenario
//! (outside the rows `send_once` passes over as duplicates), every run takes the same steps:
//! they are recorded by driving the engine alone, in a world where nobody answers, and each
//! run replays them. (Background customers write to an inbox, never to a number, so their
//! keywords opt nobody out.)

use std::sync::Arc;

use engine::{Action, Engine, Script};
use model::{CampaignId, Duplicates, OutreachId};
use scenario::Scenario;

use crate::driver::{Driver, Silent};
use crate::engine_config;
use crate::population::Population;

/// Lists longer than this in all are not recorded: a script holds about one and a half actions
/// of 32 bytes per row, and a sweep holds it for as long as it runs (50 MB at this size).
const MAX_ROWS: usize = 1_000_000;

/// The campaign steps every run of `scn` takes, or `None` where a run's own opt-outs could
/// change them (a phone texted twice) or the lists are too long to keep their steps.
pub fn record(scn: &Scenario, population: &Population) -> Option<Arc<Script>> {
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
    Some(Arc::new(script))
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
