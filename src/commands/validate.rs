//! `validate`: the file checked, the send plan, warnings, and the what-if for campaigns that
//! leave recipients unreached.

use std::io::{self, Write};
use std::path::PathBuf;

use campaign_sim::model::time::Instant;
use campaign_sim::model::{CampaignId, CompanyClock};
use campaign_sim::scenario::Scenario;
use campaign_sim::sim;

use super::Failure;

pub fn validate(path: PathBuf) -> Result<(), Failure> {
    let scn = Scenario::load(&path)?;
    let plan = sim::plan(&scn);
    let mut out = io::stdout().lock();
    let _ = writeln!(
        out,
        "{}: ok ({}, {})\nplan without replies or opt-outs (limiter and schedules only):",
        path.display(),
        count(scn.campaigns.len(), "campaign"),
        count(scn.inboxes.len(), "inbox")
    );
    let _ = writeln!(
        out,
        "{:<28} {:>8} {:>8} {:>9} {:>11} {:>11}",
        "campaign", "recips", "sends", "unreached", "first send", "last send"
    );
    let company = scn.company_clock();
    let clock = |t: Option<Instant>| t.map_or("-".to_string(), |t| company.month_day_time(t));
    for (c, p) in scn.campaigns.iter().zip(&plan.campaigns) {
        let _ = writeln!(
            out,
            "{:<28} {:>8} {:>8} {:>9} {:>11} {:>11}",
            c.name,
            p.recipients,
            p.sends,
            p.unreached,
            clock(p.first_send),
            clock(p.last_send)
        );
    }
    for c in &scn.campaigns {
        for (i, o) in c.outreaches.iter().enumerate() {
            if o.recipients.is_empty() {
                let _ = writeln!(
                    out,
                    "warning: outreach {} of campaign {:?} has no recipients",
                    i + 1,
                    c.name
                );
            }
        }
    }
    for ((c, campaign), p) in scn.campaigns.iter().enumerate().zip(&plan.campaigns) {
        if p.sends == 0 && p.recipients > 0 {
            let _ = writeln!(
                out,
                "warning: campaign {:?} can send nothing: check its start, end and schedule",
                campaign.name
            );
        } else if p.unreached > 0 {
            let _ = writeln!(
                out,
                "warning: campaign {:?}: {} of {} recipients cannot be sent before the end time or horizon",
                campaign.name, p.unreached, p.recipients
            );
            let what_if = sim::what_if(&scn, CampaignId::new(c));
            let _ = writeln!(out, "  {}", what_if_line(&what_if, p, &company));
        }
    }
    for dead in scn.dead_conditions() {
        let _ = writeln!(out, "warning: {dead}");
    }
    if plan.shared_phones > 0 {
        let _ = writeln!(
            out,
            "warning: {} phones are on more than one campaign: each campaign texts them",
            plan.shared_phones
        );
    }
    Ok(())
}

/// What would reach everyone, in a planner's words.
fn what_if_line(w: &sim::WhatIf, p: &sim::CampaignPlan, company: &CompanyClock) -> String {
    let split = match w.split {
        Some(k) => format!(
            "split the list evenly over {k} campaigns (each has its own limit of 480 an hour)"
        ),
        None => format!(
            "no split into up to {} campaigns reaches everyone (the schedule or a stop is the limit)",
            sim::MAX_SPLIT
        ),
    };
    let later = match w.all_sent_at {
        None => {
            "no later end reaches everyone (the schedule never opens again, or a stop comes first)"
                .to_string()
        }
        Some(t) => {
            let what = if p.unreached_at_end > 0 {
                "an end time"
            } else {
                "a horizon (`simulation.until`)"
            };
            format!(
                "{what} after {} (the last send without one)",
                company.month_day_time(t)
            )
        }
    };
    format!("to reach all {}: {split}; or {later}", p.recipients)
}

/// `n` things, in the singular for one: "1 inbox", "3 inboxes".
fn count(n: usize, thing: &str) -> String {
    match (n, thing.ends_with('x')) {
        (1, _) => format!("1 {thing}"),
        (_, true) => format!("{n} {thing}es"),
        (_, false) => format!("{n} {thing}s"),
    }
}
