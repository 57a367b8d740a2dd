//! The plan `validate` prints: the engine alone, with no replies and no opt-outs, shows when the
//! limiter and schedules let each campaign send and whom its cutoff leaves unreached.

use engine::{Action, Engine};
use model::time::Instant;
use scenario::Scenario;

use crate::driver::{Driver, World};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CampaignPlan {
    pub recipients: u64,
    pub sends: u64,
    pub skipped_duplicate: u64,
    pub unreached: u64,
    pub first_send: Option<Instant>,
    pub last_send: Option<Instant>,
}

pub struct Plan {
    pub campaigns: Vec<CampaignPlan>,
    /// Phones listed in more than one campaign.
    pub shared_phones: u64,
}

/// A world where nobody answers: it only tallies what the platform does.
struct Silence {
    plans: Vec<CampaignPlan>,
}

impl World for Silence {
    fn next_at(&self) -> Option<Instant> {
        None
    }

    fn advance(&mut self, _now: Instant, _engine: &mut Engine, _decided: &mut Vec<Action>) {
        unreachable!("a silent world has nothing to do")
    }

    fn carry_out(&mut self, now: Instant, decided: &[Action]) {
        for a in decided {
            match a {
                Action::Send { to, .. } => {
                    let p = &mut self.plans[to.campaign.index()];
                    p.sends += 1;
                    p.first_send.get_or_insert(now);
                    p.last_send = Some(now);
                }
                Action::Skip { to, .. } => self.plans[to.campaign.index()].skipped_duplicate += 1,
                Action::Unreached { to, .. } => self.plans[to.campaign.index()].unreached += 1,
                _ => {}
            }
        }
    }
}

pub fn plan(scn: &Scenario) -> Plan {
    let population = crate::population::build(scn);
    let shared_phones = population.shared_phones;
    let config = crate::engine_config(scn, population.lists);
    let plans = config
        .campaigns
        .iter()
        .map(|c| CampaignPlan {
            recipients: c.outreaches.iter().map(|o| o.recipients.len() as u64).sum(),
            ..Default::default()
        })
        .collect();
    let driver = Driver::new(Engine::new(config), Silence { plans }, scn.until);
    Plan {
        campaigns: driver.finish().world.plans,
        shared_phones,
    }
}
