//! `summary.json`: the SPEC keys, plus what a planner asks next (failures by code, unreached by
//! reason, the reply rate drawn, warnings).
//!
//! A view, built last: the run is measured and its thresholds judged before, so this only copies
//! values and puts times on the company's clock. Statuses and reasons stay enums until written.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use super::measured::{CampaignMeasures, InboxMeasures, Measured, measure, seconds};
use super::verdict::{Verdict, judge};
use model::time::MAX_RUN;
use model::{CompanyClock, EndReason, Status};
use scenario::{Inbox, Scenario};
use sim::Outcome;
use sim::metrics::nearest_rank;

#[derive(Serialize)]
pub struct Summary {
    pub scenario: String,
    pub seed: u64,
    pub version: &'static str,
    pub scenario_sha256: String,
    pub events: u64,
    /// Seconds from the simulation start to the end of the run.
    pub end_s: f64,
    pub shared_phones: u64,
    pub warnings: Vec<String>,
    pub campaigns: Vec<CampaignSummary>,
    pub inboxes: Vec<InboxSummary>,
    /// Every `[[inboxes.shifts]]` group, inbox by inbox in file order.
    pub shift_groups: Vec<ShiftGroupSummary>,
    pub rules: Vec<RuleSummary>,
    pub expectations: Vec<Verdict>,
}

#[derive(Serialize)]
pub struct ShiftGroupSummary {
    pub inbox: String,
    pub days: String,
    pub hours: String,
    pub agents: u32,
    /// Busy slot-time / staffed slot-time while the group was on shift; `None` if it never was.
    pub occupancy: Option<f64>,
}

#[derive(Serialize)]
pub struct RuleSummary {
    pub name: String,
    pub fired: u64,
    /// `None` while the rule stayed on.
    pub disabled_after_loops: Option<u32>,
}

#[derive(Serialize)]
pub struct TopicSummary {
    pub arrivals: u64,
    /// `None` when no conversation of the topic waited (every one closed by a rule).
    pub wait_p50_s: Option<f64>,
    pub wait_p90_s: Option<f64>,
}

#[derive(Serialize)]
pub struct CampaignSummary {
    pub name: String,
    pub recipients: u64,
    pub sent: u64,
    pub delivered: u64,
    pub failed: u64,
    pub unreached: u64,
    pub skipped_opted_out: u64,
    pub skipped_duplicate: u64,
    pub replies: u64,
    pub opt_outs: u64,
    pub opt_ins: u64,
    pub first_send: Option<String>,
    pub last_send: Option<String>,
    pub first_send_s: Option<f64>,
    pub last_send_s: Option<f64>,
    #[serde(serialize_with = "status_name")]
    pub status: Status,
    #[serde(serialize_with = "status_names")]
    pub outreach_statuses: Vec<Status>,
    pub reply_rate: f64,
    /// Carrier codes have five digits, so JSON's text keys keep their order as numbers.
    pub failed_by_code: BTreeMap<u32, u64>,
    /// In the order of the reasons' names, as `summary.json` has always listed them.
    #[serde(serialize_with = "by_reason")]
    pub unreached_by_reason: [(EndReason, u64); 3],
    /// Rows per time zone: every zone of the campaign's lists, east first (the order their
    /// clocks open a recipient-local window), then by name.
    #[serde(serialize_with = "in_order")]
    pub recipients_by_zone: Vec<(String, u64)>,
    /// Of `unreached`, per zone: the same zones in the same order, 0 where everyone was
    /// reached, so the two maps read side by side and always sum to `recipients` and
    /// `unreached`.
    #[serde(serialize_with = "in_order")]
    pub unreached_by_zone: Vec<(String, u64)>,
}

#[derive(Serialize)]
pub struct InboxSummary {
    pub name: String,
    pub agents: u32,
    pub capacity: u32,
    /// For the page: `8 agents x 3`, or `up to 5 on shift x 3` (see [`crate::show::staffing`]).
    #[serde(skip)]
    pub staffing: String,
    pub arrivals: u64,
    pub arrivals_from_campaigns: u64,
    pub handled: u64,
    pub wait_p50_s: f64,
    pub wait_p90_s: f64,
    pub wait_p99_s: f64,
    pub max_queue: u64,
    pub sla_within_s: f64,
    pub sla_target: f64,
    pub sla_attainment: f64,
    pub utilization: f64,
    /// Busy slot-time over the slot-time the inbox's own agents were on shift.
    pub utilization_staffed: f64,
    /// Busy slot-time over the slot-time the inbox's own agents were on shift in the whole hours
    /// of the company's clock in which a conversation arrived, waited or was held.
    pub utilization_busy_hours: f64,
    /// Conversations no agent had taken when the run ended (their waits count up to the end).
    pub unanswered: u64,
    pub transfers_in: u64,
    pub transfers_out: u64,
    pub closed_by_rules: u64,
    /// Closed conversations their customer reopened within the reopen window (counted again
    /// in `arrivals`).
    pub reopened: u64,
    /// Agents' time holding conversations after their shift ended, summed over agents.
    pub overtime_s: f64,
    /// Messages from opted-out customers that reached an agent, who cannot answer them by SMS.
    pub cannot_reply: u64,
    /// By topic name, in the order the scenario names topics.
    #[serde(serialize_with = "in_order")]
    pub topics: Vec<(String, TopicSummary)>,
}

/// Named values as a JSON object whose keys keep the order given.
fn in_order<T: Serialize, S: Serializer>(named: &[(String, T)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(named.iter().map(|(name, t)| (name, t)))
}

fn status_name<S: Serializer>(status: &Status, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(status.as_str())
}

fn status_names<S: Serializer>(statuses: &[Status], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(statuses.iter().map(|st| st.as_str()))
}

fn by_reason<S: Serializer>(counts: &[(EndReason, u64); 3], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(counts.iter().map(|(why, n)| (why.as_str(), n)))
}

/// Measures the run, judges the scenario's thresholds on it, and shows both.
pub fn summarize(scn: &Scenario, o: &Outcome) -> Summary {
    let measured = measure(scn, o);
    let verdicts = scn
        .expectations
        .iter()
        .map(|e| judge(e, &measured))
        .collect();
    Summary::view(scn, &measured, verdicts)
}

impl Summary {
    /// What was measured and judged, in the units and words of `summary.json`.
    fn view(scn: &Scenario, m: &Measured, verdicts: Vec<Verdict>) -> Summary {
        Summary {
            scenario: scn.name.clone(),
            seed: m.seed,
            version: env!("CARGO_PKG_VERSION"),
            scenario_sha256: scn.sha256.clone(),
            events: m.events,
            end_s: seconds(m.end.since_start()),
            shared_phones: m.shared_phones,
            warnings: warnings(m),
            campaigns: m
                .campaigns
                .iter()
                .map(|c| CampaignSummary::view(c, &m.clock))
                .collect(),
            inboxes: scn
                .inboxes
                .iter()
                .zip(&m.inboxes)
                .map(|(i, measured)| InboxSummary::view(i, measured, &scn.topics))
                .collect(),
            shift_groups: ShiftGroupSummary::all(scn, m),
            rules: scn
                .rules
                .iter()
                .zip(m.rules)
                .map(|(r, counts)| RuleSummary {
                    name: r.name.clone(),
                    fired: counts.fired,
                    disabled_after_loops: counts.disabled_after_loops,
                })
                .collect(),
            expectations: verdicts,
        }
    }
}

impl CampaignSummary {
    fn view(c: &CampaignMeasures, clock: &CompanyClock) -> CampaignSummary {
        let m = c.counts;
        CampaignSummary {
            name: c.name.to_string(),
            recipients: m.recipients,
            sent: m.sent,
            delivered: m.delivered,
            failed: m.failed,
            unreached: m.unreached,
            skipped_opted_out: m.skipped_opted_out,
            skipped_duplicate: m.skipped_duplicate,
            replies: m.replies,
            opt_outs: m.opt_outs,
            opt_ins: m.opt_ins,
            first_send: m.first_send.map(|t| clock.datetime_seconds(t)),
            last_send: m.last_send.map(|t| clock.datetime_seconds(t)),
            first_send_s: m.first_send.map(|t| seconds(t.since_start())),
            last_send_s: m.last_send.map(|t| seconds(t.since_start())),
            status: c.status,
            outreach_statuses: c.outreach_statuses.to_vec(),
            reply_rate: c.reply_rate,
            failed_by_code: m.failed_by_code.clone(),
            unreached_by_reason: [
                (EndReason::Cutoff, m.unreached_cutoff),
                (EndReason::Horizon, m.unreached_horizon),
                (EndReason::Stopped, m.unreached_stopped),
            ],
            recipients_by_zone: c
                .zones
                .iter()
                .map(|z| (z.zone.to_string(), z.recipients))
                .collect(),
            unreached_by_zone: c
                .zones
                .iter()
                .map(|z| (z.zone.to_string(), z.unreached))
                .collect(),
        }
    }

    /// Recipients never sent because of `why`.
    pub fn unreached_by(&self, why: EndReason) -> u64 {
        self.unreached_by_reason
            .iter()
            .find(|(reason, _)| *reason == why)
            .map_or(0, |(_, n)| *n)
    }
}

impl ShiftGroupSummary {
    fn all(scn: &Scenario, m: &Measured) -> Vec<ShiftGroupSummary> {
        let mut out = Vec::new();
        for (inbox, measured) in scn.inboxes.iter().zip(&m.inboxes) {
            for (shift, time) in inbox.shifts.iter().zip(&measured.counts.shift_groups) {
                out.push(ShiftGroupSummary {
                    inbox: inbox.name.clone(),
                    days: shift.days_text.clone(),
                    hours: shift.hours_text.clone(),
                    agents: shift.agents,
                    occupancy: (time.staffed_slot_ms > 0).then(|| {
                        super::measured::round6(
                            time.busy_slot_ms as f64 / time.staffed_slot_ms as f64,
                        )
                    }),
                });
            }
        }
        out
    }
}

impl InboxSummary {
    fn view(i: &Inbox, m: &InboxMeasures, topic_names: &[String]) -> InboxSummary {
        let [p50, p90, p99] = m.waits.map(seconds);
        InboxSummary {
            name: i.name.clone(),
            agents: i.agents,
            capacity: i.capacity,
            staffing: crate::show::staffing(i),
            arrivals: m.counts.arrivals,
            arrivals_from_campaigns: m.counts.arrivals_from_campaigns,
            handled: m.counts.handled,
            wait_p50_s: p50,
            wait_p90_s: p90,
            wait_p99_s: p99,
            max_queue: m.counts.max_queue,
            sla_within_s: seconds(i.sla_within),
            sla_target: i.sla_target,
            sla_attainment: m.sla_attainment,
            unanswered: m.counts.unanswered,
            utilization: m.utilization,
            utilization_staffed: m.utilization_staffed,
            utilization_busy_hours: m.utilization_busy_hours,
            transfers_in: m.counts.transfers_in,
            transfers_out: m.counts.transfers_out,
            closed_by_rules: m.counts.closed_by_rules,
            reopened: m.counts.reopened,
            overtime_s: seconds(m.counts.overtime),
            cannot_reply: m.counts.cannot_reply,
            topics: m
                .counts
                .topics
                .iter()
                .map(|(topic, t)| {
                    let mut waits = t.waits.clone();
                    waits.sort_unstable();
                    let at = |p| nearest_rank(&waits, p).map(seconds);
                    let summary = TopicSummary {
                        arrivals: t.arrivals,
                        wait_p50_s: at(50),
                        wait_p90_s: at(90),
                    };
                    (topic_names[topic.index()].clone(), summary)
                })
                .collect(),
        }
    }
}

/// What a planner should not miss: shared phones, recipients left unreached, conversations
/// nobody took.
fn warnings(m: &Measured) -> Vec<String> {
    let mut w = Vec::new();
    if m.shared_phones > 0 {
        w.push(format!(
            "{} phones are on more than one campaign: each campaign texts them (duplicate recipients)",
            m.shared_phones
        ));
    }
    for c in &m.campaigns {
        let cut = c.counts.unreached_cutoff;
        if cut > 0 {
            w.push(format!(
                "campaign {:?}: {cut} recipients not reached before the end time",
                c.name
            ));
        }
        let horizon = c.counts.unreached_horizon;
        if horizon > 0 {
            w.push(format!(
                "campaign {:?}: {horizon} recipients not reached before {}",
                c.name,
                if m.end.since_start() >= MAX_RUN {
                    "the 20-year limit of a run without a horizon"
                } else {
                    "the simulation horizon"
                }
            ));
        }
    }
    for i in m.inboxes.iter().filter(|i| i.counts.unanswered > 0) {
        w.push(format!(
            "inbox {:?}: {} conversations were still waiting for an agent when the run ended; their waits count up to the end",
            i.name, i.counts.unanswered
        ));
    }
    w
}
