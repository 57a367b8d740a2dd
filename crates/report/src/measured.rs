//! What one run measured, in the units thresholds are written in: computed once from the outcome
//! and the scenario, then judged by the thresholds and shown by the summary.

mod busy_hours;

use model::time::{Instant, Span};
use model::{CompanyClock, Status, ZoneId};
use scenario::{Metric, Scenario, Target};
use sim::{CampaignMetrics, InboxMetrics, Outcome, RuleMetrics};

pub struct Measured<'a> {
    pub seed: u64,
    pub events: u64,
    pub end: Instant,
    pub shared_phones: u64,
    /// Per-interval thresholds group conversations by the company's day.
    pub clock: CompanyClock,
    pub campaigns: Vec<CampaignMeasures<'a>>,
    pub inboxes: Vec<InboxMeasures<'a>>,
    pub rules: &'a [RuleMetrics],
}

pub struct CampaignMeasures<'a> {
    pub name: &'a str,
    /// The counters the run kept.
    pub counts: &'a CampaignMetrics,
    /// The least advanced outreach's status.
    pub status: Status,
    pub outreach_statuses: &'a [Status],
    pub reply_rate: f64,
    /// Every zone of the campaign's lists, east first (see [`by_zone`]).
    pub zones: Vec<ZoneMeasures<'a>>,
}

/// A campaign's recipients in one time zone, and how many of them stayed unreached.
pub struct ZoneMeasures<'a> {
    pub zone: &'a str,
    pub recipients: u64,
    pub unreached: u64,
}

pub struct InboxMeasures<'a> {
    pub name: &'a str,
    /// The counters the run kept.
    pub counts: &'a InboxMetrics,
    /// p50, p90 and p99 of the waits of every conversation, taken by an agent or still waiting
    /// at the end.
    pub waits: [Span; 3],
    pub sla_attainment: f64,
    pub utilization: f64,
    /// Busy slot-time over the slot-time the inbox's own agents were on shift (the same as
    /// `utilization` without shifts): a launch's unstaffed night does not dilute it.
    pub utilization_staffed: f64,
    /// Busy slot-time over the slot-time the inbox's own agents were on shift in the hours the
    /// inbox had work (see [`busy_hours`]): a launch's quiet night does not dilute it either.
    pub utilization_busy_hours: f64,
    /// When each conversation arrived and how long it waited.
    pub arrivals: &'a [(Instant, Span)],
    /// When each conversation arrived and whether its wait was within its SLA (an entry-point
    /// SLA included), in the order of `arrivals`.
    pub sla_met: &'a [(Instant, bool)],
}

/// A span in seconds: the unit of every time in thresholds and `summary.json`.
pub fn seconds(t: Span) -> f64 {
    t.as_millis() as f64 / 1000.0
}

/// Six decimals: stable text, and finer than anything a planner reads. Shares are rounded where
/// they are measured, so a threshold judges exactly the value `summary.json` shows.
pub(crate) fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The campaign's status is its least advanced outreach's.
fn campaign_status(statuses: &[Status]) -> Status {
    [
        Status::InProgress,
        Status::Scheduled,
        Status::Stopped,
        Status::Completed,
    ]
    .into_iter()
    .find(|s| statuses.contains(s))
    .unwrap_or(Status::Completed)
}

pub fn measure<'a>(scn: &'a Scenario, o: &'a Outcome) -> Measured<'a> {
    Measured {
        seed: o.seed,
        events: o.events,
        end: o.end,
        shared_phones: o.shared_phones,
        clock: scn.company_clock(),
        campaigns: scn
            .campaigns
            .iter()
            .zip(&o.campaigns)
            .zip(&o.statuses)
            .zip(o.zone_counts.iter())
            .map(|(((c, counts), statuses), per_list)| CampaignMeasures {
                name: &c.name,
                counts,
                status: campaign_status(statuses),
                outreach_statuses: statuses,
                reply_rate: round6(counts.reply_rate),
                zones: by_zone(scn, per_list, &counts.unreached_by_zone),
            })
            .collect(),
        inboxes: scn
            .inboxes
            .iter()
            .zip(&o.inboxes)
            .zip(&o.timeline.inboxes)
            .enumerate()
            .map(|(inbox, ((i, counts), line))| {
                // Waits of every conversation: taken by an agent, or still waiting at the end.
                // With none, nobody missed the SLA; with no staffed slot, none was busy.
                let waited = counts.waits.len();
                let staffed =
                    u128::from(i.agents) * u128::from(i.capacity) * u128::from(o.end.as_millis());
                let inbox = model::InboxId::new(inbox);
                let on_shift = sim::staffing::staffed_slots(scn, inbox, o.end);
                let whole_run = [(0, o.end.as_millis())];
                let busy_hours = busy_hours::busy_hours(&scn.company_clock(), line, o.end);
                let staffed_in = |spans: &[(u64, u64)]| {
                    share(
                        counts.busy_slot_ms,
                        busy_hours::staffed_within(&on_shift, o.end, spans),
                    )
                };
                InboxMeasures {
                    name: &i.name,
                    counts,
                    waits: counts.wait_percentiles().unwrap_or_default(),
                    sla_attainment: if waited == 0 {
                        1.0
                    } else {
                        round6(counts.within_sla as f64 / waited as f64)
                    },
                    utilization: share(counts.busy_slot_ms, staffed),
                    utilization_staffed: staffed_in(&whole_run),
                    utilization_busy_hours: staffed_in(&busy_hours),
                    arrivals: &line.waits,
                    sla_met: &line.sla_met,
                }
            })
            .collect(),
        rules: &o.rules,
    }
}

impl Measured<'_> {
    /// The whole run's value of `metric` for `target`: seconds for times, a share for
    /// attainment and utilization, else a count.
    pub fn value(&self, target: Target, metric: Metric) -> f64 {
        match target {
            Target::Campaign(c) => self.campaigns[c.index()].value(metric),
            Target::Inbox(i) => self.inboxes[i.index()].value(metric),
        }
    }

    /// The campaign's or inbox's name.
    pub fn name(&self, target: Target) -> &str {
        match target {
            Target::Campaign(c) => self.campaigns[c.index()].name,
            Target::Inbox(i) => self.inboxes[i.index()].name,
        }
    }
}

impl CampaignMeasures<'_> {
    fn value(&self, metric: Metric) -> f64 {
        let c = self.counts;
        match metric {
            Metric::Sent => c.sent as f64,
            Metric::Delivered => c.delivered as f64,
            Metric::Failed => c.failed as f64,
            Metric::Unreached => c.unreached as f64,
            Metric::SkippedOptedOut => c.skipped_opted_out as f64,
            Metric::SkippedDuplicate => c.skipped_duplicate as f64,
            Metric::Replies => c.replies as f64,
            Metric::OptOuts => c.opt_outs as f64,
            // A campaign that sent nothing finished at the start.
            Metric::LastSend => c.last_send.map_or(0.0, |t| seconds(t.since_start())),
            _ => unreachable!("inbox metrics are rejected for campaigns when read"),
        }
    }
}

impl InboxMeasures<'_> {
    fn value(&self, metric: Metric) -> f64 {
        let i = self.counts;
        let [p50, p90, p99] = self.waits.map(seconds);
        match metric {
            Metric::Arrivals => i.arrivals as f64,
            Metric::Handled => i.handled as f64,
            Metric::WaitP50 => p50,
            Metric::WaitP90 => p90,
            Metric::WaitP99 => p99,
            Metric::MaxQueue => i.max_queue as f64,
            Metric::SlaAttainment => self.sla_attainment,
            Metric::Utilization => self.utilization,
            _ => unreachable!("campaign metrics are rejected for inboxes when read"),
        }
    }
}

/// Each zone the campaign's lists name (`per_list`: rows per zone of each), with its rows and
/// the rows left `unreached`. Zones come east first (by their UTC offset at the simulation
/// start, then by name): the order their clocks reach a recipient-local send window, which is
/// how a planner reads them.
fn by_zone<'a>(
    scn: &'a Scenario,
    per_list: &[Vec<u64>],
    unreached: &[u64],
) -> Vec<ZoneMeasures<'a>> {
    let mut rows = vec![0u64; scn.zones.len()];
    for list in per_list {
        for (z, n) in list.iter().enumerate() {
            rows[z] += n;
        }
    }
    let offset = |z: ZoneId| scn.zones[z.index()].tz.to_offset(scn.epoch.0);
    let mut zones: Vec<ZoneId> = (0..rows.len())
        .filter(|&z| rows[z] > 0)
        .map(ZoneId::new)
        .collect();
    zones.sort_by_key(|&z| (std::cmp::Reverse(offset(z)), &scn.zones[z.index()].name));
    zones
        .into_iter()
        .map(|z| ZoneMeasures {
            zone: &scn.zones[z.index()].name,
            recipients: rows[z.index()],
            unreached: unreached[z.index()],
        })
        .collect()
}

/// `part / whole` rounded to 6 decimals; 0 when there is no whole.
fn share(part: u128, whole: u128) -> f64 {
    if whole == 0 {
        0.0
    } else {
        round6(part as f64 / whole as f64)
    }
}
