//! The plan `validate` prints: the engine alone, with no replies and no opt-outs, shows when the
//! limiter and schedules let each campaign send and whom its cutoff leaves unreached.

use engine::{Action, Engine};
use model::time::{MAX_RUN, Millis};
use scenario::Scenario;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CampaignPlan {
    pub recipients: u64,
    pub sends: u64,
    pub skipped_duplicate: u64,
    pub unreached: u64,
    pub first_send: Option<Millis>,
    pub last_send: Option<Millis>,
}

pub struct Plan {
    pub campaigns: Vec<CampaignPlan>,
    /// Phones listed in more than one campaign.
    pub shared_phones: u64,
}

pub fn plan(scn: &Scenario) -> Plan {
    let population = super::population::build(scn);
    let shared_phones = population.shared_phones;
    let config = super::engine_config(scn, population.lists);
    let mut plans: Vec<CampaignPlan> = config
        .campaigns
        .iter()
        .map(|c| CampaignPlan {
            recipients: c.outreaches.iter().map(|o| o.recipients.len() as u64).sum(),
            ..Default::default()
        })
        .collect();
    let mut engine = Engine::new(config);
    let mut actions = Vec::new();
    let tally = |actions: &mut Vec<Action>, plans: &mut Vec<CampaignPlan>, now: Millis| {
        for a in actions.drain(..) {
            match a {
                Action::Send { campaign, .. } => {
                    let p = &mut plans[campaign as usize];
                    p.sends += 1;
                    p.first_send.get_or_insert(now);
                    p.last_send = Some(now);
                }
                Action::Skip { campaign, .. } => plans[campaign as usize].skipped_duplicate += 1,
                Action::Unreached { campaign, .. } => plans[campaign as usize].unreached += 1,
                _ => {}
            }
        }
    };
    let limit = scn.until.unwrap_or(MAX_RUN);
    let mut now = 0;
    while let Some(t) = engine.next_wakeup() {
        if t >= limit {
            now = limit;
            break;
        }
        now = t;
        engine.on_tick(t, &mut actions);
        tally(&mut actions, &mut plans, t);
    }
    engine.end_of_run(&mut actions);
    tally(&mut actions, &mut plans, scn.until.unwrap_or(now));
    Plan {
        campaigns: plans,
        shared_phones,
    }
}
