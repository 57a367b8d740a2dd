//! The plan `validate` prints: the engine alone, with no replies and no opt-outs, shows when the
//! limiter and schedules let each campaign send and whom its cutoff leaves unreached.

use engine::{Action, Engine};
use model::time::{Instant, MAX_RUN};
use model::{CampaignId, EndReason};
use scenario::{Campaign, Recipients, Scenario};

use crate::driver::{Driver, Silent};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CampaignPlan {
    pub recipients: u64,
    pub sends: u64,
    pub skipped_duplicate: u64,
    pub unreached: u64,
    /// Of `unreached`: left by the outreach's end time (not by the horizon or a stop).
    pub unreached_at_end: u64,
    pub first_send: Option<Instant>,
    pub last_send: Option<Instant>,
}

pub struct Plan {
    pub campaigns: Vec<CampaignPlan>,
    /// Phones listed in more than one campaign.
    pub shared_phones: u64,
}

/// Tallies what the platform decides at `now` into each campaign's plan.
fn tally(plans: &mut [CampaignPlan], now: Instant, decided: &[Action]) {
    for a in decided {
        match a {
            Action::Send { to, .. } => {
                let p = &mut plans[to.campaign.index()];
                p.sends += 1;
                p.first_send.get_or_insert(now);
                p.last_send = Some(now);
            }
            Action::Skip { to, .. } => plans[to.campaign.index()].skipped_duplicate += 1,
            Action::Unreached { to, reason, .. } => {
                let p = &mut plans[to.campaign.index()];
                p.unreached += 1;
                if *reason == EndReason::Cutoff {
                    p.unreached_at_end += 1;
                }
            }
            _ => {}
        }
    }
}

pub fn plan(scn: &Scenario) -> Plan {
    let population = crate::population::build(scn);
    let shared_phones = population.shared_phones;
    let config = crate::engine_config(scn, population.lists);
    let mut plans: Vec<CampaignPlan> = config
        .campaigns
        .iter()
        .map(|c| CampaignPlan {
            recipients: c.outreaches.iter().map(|o| o.recipients.len() as u64).sum(),
            ..Default::default()
        })
        .collect();
    let silence = Silent(|now, decided: &[Action]| tally(&mut plans, now, decided));
    Driver::new(Engine::new(config), silence, scn.until).finish();
    Plan {
        campaigns: plans,
        shared_phones,
    }
}

/// The first question a planner asks of a campaign that leaves recipients unreached: what would
/// reach them all at 480 an hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WhatIf {
    /// Campaigns to split the list over evenly (each has its own send limit) so that all of
    /// them send to everyone within the same outreach times and horizon; `None`: more than
    /// [`MAX_SPLIT`] would be needed, or no split helps (the schedule or a stop is the limit).
    pub split: Option<u32>,
    /// When the last recipient would be sent with no end time and no horizon: the end time
    /// (or horizon) must come after it. `None`: never (the schedule never opens again).
    pub all_sent_at: Option<Instant>,
}

/// The most campaigns a what-if splits a list over.
pub const MAX_SPLIT: u32 = 1000;

/// Plans campaign `c` alone, split and without its end, to answer [`WhatIf`]. Each plan is the
/// engine's own (limiter, schedules, zones), so the answer holds exactly as `validate` plans.
pub fn what_if(scn: &Scenario, c: CampaignId) -> WhatIf {
    let campaign = &scn.campaigns[c.index()];
    let reaches_all = |k: u32| -> bool {
        let parts = split(campaign, k);
        plan(&scn.sending_only(parts))
            .campaigns
            .iter()
            .all(|p| p.unreached == 0)
    };
    let mut open_ended = campaign.clone();
    for o in &mut open_ended.outreaches {
        o.end = None;
        o.overlap = None;
    }
    let mut alone = scn.sending_only(vec![open_ended]);
    alone.until = None;
    let free = plan(&alone).campaigns[0].clone();
    let all_sent_at = free.last_send.filter(|_| free.unreached == 0);

    // A part sends at most what the whole campaign sends alone, which bounds the count from
    // below; from there a doubling search and a bisection (more campaigns never send fewer).
    let alone_sends = plan(&scn.sending_only(vec![split(campaign, 1).remove(0)])).campaigns[0]
        .sends
        .max(1);
    let most = MAX_SPLIT.min(u32::try_from(free.recipients).unwrap_or(MAX_SPLIT).max(1));
    let least = u32::try_from(free.recipients.div_ceil(alone_sends))
        .unwrap_or(most)
        .clamp(1, most);
    let split_count = if reaches_all(least) {
        Some(least)
    } else {
        let (mut fails, mut hi) = (least, least.saturating_mul(2).min(most));
        while hi < most && !reaches_all(hi) {
            fails = hi;
            hi = hi.saturating_mul(2).min(most);
        }
        if hi == most && !reaches_all(hi) {
            None
        } else {
            while hi - fails > 1 {
                let mid = fails + (hi - fails) / 2;
                if reaches_all(mid) {
                    hi = mid;
                } else {
                    fails = mid;
                }
            }
            Some(hi)
        }
    };
    WhatIf {
        split: split_count,
        all_sent_at: all_sent_at.filter(|t| t.since_start() <= MAX_RUN),
    }
}

/// `campaign` as `k` campaigns, each outreach's list cut into `k` near-equal consecutive parts
/// (the first parts one longer), each part on its own campaign with its own send limit.
fn split(campaign: &Campaign, k: u32) -> Vec<Campaign> {
    (0..k)
        .map(|part| {
            let mut c = campaign.clone();
            c.name = format!("{} (part {} of {k})", campaign.name, part + 1);
            for o in &mut c.outreaches {
                o.overlap = None;
                o.recipients = match &o.recipients {
                    Recipients::Generated { count, zones } => Recipients::Generated {
                        count: share(*count as usize, k, part) as u32,
                        zones: zones.clone(),
                    },
                    Recipients::Listed { csv, rows } => {
                        let (from, to) = bounds(rows.len(), k, part);
                        Recipients::Listed {
                            csv: csv.clone(),
                            rows: rows[from..to].to_vec(),
                        }
                    }
                };
            }
            c
        })
        .collect()
}

/// How many of `n` items part `part` of `k` gets.
fn share(n: usize, k: u32, part: u32) -> usize {
    let (from, to) = bounds(n, k, part);
    to - from
}

/// Part `part` of `k` of `0..n`, the first `n % k` parts one longer.
fn bounds(n: usize, k: u32, part: u32) -> (usize, usize) {
    let (k, part) = (k as usize, part as usize);
    let (base, extra) = (n / k, n % k);
    let from = part * base + part.min(extra);
    (from, from + base + usize::from(part < extra))
}
