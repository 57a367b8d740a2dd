//! `summary.json`: the SPEC keys, plus what a planner asks next (failures by code, unreached by
//! reason, the reply rate drawn, warnings).

use std::collections::BTreeMap;

use serde::Serialize;

use super::expectations::{Verdict, evaluate};
use model::Status;
use model::time::{MAX_RUN, Span};
use scenario::Scenario;
use sim::Outcome;

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
    pub expectations: Vec<Verdict>,
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
    pub status: &'static str,
    pub outreach_statuses: Vec<&'static str>,
    pub reply_rate: f64,
    pub failed_by_code: BTreeMap<String, u64>,
    pub unreached_by_reason: BTreeMap<&'static str, u64>,
}

#[derive(Serialize)]
pub struct InboxSummary {
    pub name: String,
    pub agents: u32,
    pub capacity: u32,
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
    /// Conversations no agent had taken when the run ended (their waits count up to the end).
    pub unanswered: u64,
}

pub fn seconds(t: Span) -> f64 {
    t.as_millis() as f64 / 1000.0
}

/// Six decimals: stable text, and finer than anything a planner reads.
fn round6(x: f64) -> f64 {
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

pub fn summarize(scn: &Scenario, o: &Outcome) -> Summary {
    let clock = scn.company_clock();
    let campaigns: Vec<CampaignSummary> = scn
        .campaigns
        .iter()
        .zip(&o.campaigns)
        .zip(&o.statuses)
        .map(|((c, m), statuses)| CampaignSummary {
            name: c.name.clone(),
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
            status: campaign_status(statuses).as_str(),
            outreach_statuses: statuses.iter().map(|s| s.as_str()).collect(),
            reply_rate: round6(m.reply_rate),
            failed_by_code: m
                .failed_by_code
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
            unreached_by_reason: BTreeMap::from([
                ("cutoff", m.unreached_cutoff),
                ("stopped", m.unreached_stopped),
                ("horizon", m.unreached_horizon),
            ]),
        })
        .collect();
    let inboxes: Vec<InboxSummary> = scn
        .inboxes
        .iter()
        .zip(&o.inboxes)
        .map(|(i, m)| {
            // Waits of every conversation: taken by an agent, or still waiting at the end.
            let waited = m.waits.len();
            // No conversation means nobody waited.
            let [p50, p90, p99] = m.wait_percentiles().unwrap_or_default().map(seconds);
            let staffed =
                u128::from(i.agents) * u128::from(i.capacity) * u128::from(o.end.as_millis());
            InboxSummary {
                name: i.name.clone(),
                agents: i.agents,
                capacity: i.capacity,
                arrivals: m.arrivals,
                arrivals_from_campaigns: m.arrivals_from_campaigns,
                handled: m.handled,
                wait_p50_s: p50,
                wait_p90_s: p90,
                wait_p99_s: p99,
                max_queue: m.max_queue,
                sla_within_s: seconds(i.sla_within),
                sla_target: i.sla_target,
                sla_attainment: if waited == 0 {
                    1.0
                } else {
                    round6(m.within_sla as f64 / waited as f64)
                },
                unanswered: m.unanswered,
                utilization: if staffed == 0 {
                    0.0
                } else {
                    round6(m.busy_slot_ms as f64 / staffed as f64)
                },
            }
        })
        .collect();
    let mut summary = Summary {
        scenario: scn.name.clone(),
        seed: o.seed,
        version: env!("CARGO_PKG_VERSION"),
        scenario_sha256: scn.sha256.clone(),
        events: o.events,
        end_s: seconds(o.end.since_start()),
        shared_phones: o.shared_phones,
        warnings: warnings(o, &campaigns, &inboxes),
        campaigns,
        inboxes,
        expectations: Vec::new(),
    };
    summary.expectations = evaluate(scn, o, &summary);
    summary
}

fn warnings(o: &Outcome, campaigns: &[CampaignSummary], inboxes: &[InboxSummary]) -> Vec<String> {
    let mut w = Vec::new();
    if o.shared_phones > 0 {
        w.push(format!(
            "{} phones are on more than one campaign: each campaign texts them (duplicate recipients)",
            o.shared_phones
        ));
    }
    for c in campaigns {
        let cut = c.unreached_by_reason["cutoff"];
        if cut > 0 {
            w.push(format!(
                "campaign {:?}: {cut} recipients not reached before the end time",
                c.name
            ));
        }
        let horizon = c.unreached_by_reason["horizon"];
        if horizon > 0 {
            w.push(format!(
                "campaign {:?}: {horizon} recipients not reached before {}",
                c.name,
                if o.end.since_start() >= MAX_RUN {
                    "the 20-year limit of a run without a horizon"
                } else {
                    "the simulation horizon"
                }
            ));
        }
    }
    for i in inboxes.iter().filter(|i| i.unanswered > 0) {
        w.push(format!(
            "inbox {:?}: {} conversations were still waiting for an agent when the run ended; their waits count up to the end",
            i.name, i.unanswered
        ));
    }
    w
}
