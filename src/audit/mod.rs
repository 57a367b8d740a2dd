//! The auditor: proves the campaign system's invariants on a finished trace.
//!
//! It shares no logic with the engine: it re-derives every rule from its definition (count the
//! sends in each window, read the local clock of each recipient, replay the opt-out keywords), so
//! a bug in the limiter or the scheduler cannot hide itself.

use std::fmt;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::engine::opt_out::Scope;
use crate::engine::{Config, Duplicates, Phone};
use crate::time::Millis;
use crate::trace::{Event, Kind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub invariant: Invariant,
    /// Campaign index, when the invariant is about one.
    pub campaign: Option<u32>,
    pub t: Millis,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invariant {
    /// More sends in some window than the limit allows.
    SendWindow,
    /// A send at or after the outreach's end (or its stop), or before its start.
    OutreachTime,
    /// A send outside the schedule in the recipient's local time.
    Schedule,
    /// A send to a phone opted out under the configured scope.
    OptedOut,
    /// A recipient row with no fate or more than one (sent, skipped, unreached).
    Conservation,
    /// A phone sent twice within one outreach although duplicates are sent once.
    Duplicate,
    /// An agent holding more conversations than its capacity.
    AgentCapacity,
}

impl Invariant {
    pub fn name(self) -> &'static str {
        match self {
            Invariant::SendWindow => "send_window",
            Invariant::OutreachTime => "outreach_time",
            Invariant::Schedule => "schedule",
            Invariant::OptedOut => "opted_out",
            Invariant::Conservation => "conservation",
            Invariant::Duplicate => "duplicate",
            Invariant::AgentCapacity => "agent_capacity",
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at t={} ms", self.invariant.name(), self.t)?;
        if let Some(c) = self.campaign {
            write!(f, " (campaign #{c})")?;
        }
        write!(f, ": {}", self.detail)
    }
}

/// Every violation found in `trace`, which must hold every event of a run in order.
pub fn audit(config: &Config, trace: &[Event]) -> Vec<Violation> {
    let mut found = Vec::new();
    send_windows(config, trace, &mut found);
    send_times_and_schedules(config, trace, &mut found);
    opt_outs(config, trace, &mut found);
    fates(config, trace, &mut found);
    agent_capacity(config, trace, &mut found);
    found
}

fn sends(trace: &[Event]) -> impl Iterator<Item = &Event> {
    trace.iter().filter(|e| e.kind == Kind::Send)
}

fn send_windows(config: &Config, trace: &[Event], found: &mut Vec<Violation>) {
    let mut times: Vec<Vec<Millis>> = vec![Vec::new(); config.campaigns.len()];
    for e in sends(trace) {
        times[e.campaign as usize].push(e.t);
    }
    for (c, t) in times.iter().enumerate() {
        for w in &config.windows {
            let n = w.max as usize;
            // n+1 sends spanning less than `per` fit in one half-open window of length `per`.
            for i in n..t.len() {
                if t[i] - t[i - n] < w.per {
                    found.push(Violation {
                        invariant: Invariant::SendWindow,
                        campaign: Some(c as u32),
                        t: t[i],
                        detail: format!(
                            "{} sends between t={} ms and t={} ms, more than {} per {} s",
                            n + 1,
                            t[i - n],
                            t[i],
                            w.max,
                            w.per / 1000
                        ),
                    });
                    break;
                }
            }
        }
    }
}

fn send_times_and_schedules(config: &Config, trace: &[Event], found: &mut Vec<Violation>) {
    for e in sends(trace) {
        let campaign = &config.campaigns[e.campaign as usize];
        let outreach = &campaign.outreaches[e.outreach as usize];
        let mut bad = |invariant, detail: String| {
            found.push(Violation {
                invariant,
                campaign: Some(e.campaign),
                t: e.t,
                detail,
            })
        };
        if e.t < outreach.start {
            bad(
                Invariant::OutreachTime,
                format!("sent before the outreach start (t={} ms)", outreach.start),
            );
        }
        if let Some(end) = outreach.end.filter(|&end| e.t >= end) {
            bad(
                Invariant::OutreachTime,
                format!("sent at or after the outreach end (t={end} ms)"),
            );
        }
        if let Some(stop) = outreach.stop_at.filter(|&stop| e.t >= stop) {
            bad(
                Invariant::OutreachTime,
                format!("sent after the outreach was stopped (t={stop} ms)"),
            );
        }
        let Some(schedule) = &campaign.schedule else {
            continue;
        };
        let recipient = outreach.recipients[e.recipient as usize];
        let local = config.zones[recipient.zone as usize].to_datetime(config.epoch.timestamp(e.t));
        let weekday = local.weekday().to_monday_zero_offset() as usize;
        let ms_of_day = ((local.hour() as u64 * 60 + local.minute() as u64) * 60
            + local.second() as u64)
            * 1000
            + local.millisecond() as u64;
        let open = schedule.ranges(weekday).iter().any(|&(s, end)| {
            u64::from(s) * 60_000 <= ms_of_day && ms_of_day < u64::from(end) * 60_000
        });
        if !open {
            bad(
                Invariant::Schedule,
                format!(
                    "sent at {local} local time of the recipient (row {}), outside the schedule",
                    e.recipient
                ),
            );
        }
    }
}

fn opt_outs(config: &Config, trace: &[Event], found: &mut Vec<Violation>) {
    let scope_of = |number: u32| match config.opt_out_scope {
        Scope::Company => None,
        Scope::SenderNumber => Some(number),
    };
    let mut blocked: FxHashSet<(Option<u32>, Phone)> = FxHashSet::default();
    for e in trace {
        let Some(phone) = e.phone else { continue };
        match e.kind {
            Kind::OptOut => {
                blocked.insert((scope_of(e.number), phone));
            }
            Kind::OptIn => {
                blocked.remove(&(scope_of(e.number), phone));
            }
            Kind::Send if blocked.contains(&(scope_of(e.number), phone)) => found.push(Violation {
                invariant: Invariant::OptedOut,
                campaign: Some(e.campaign),
                t: e.t,
                detail: format!("sent to {phone}, who had opted out"),
            }),
            _ => {}
        }
    }
}

fn fates(config: &Config, trace: &[Event], found: &mut Vec<Violation>) {
    let mut count: Vec<Vec<Vec<u8>>> = config
        .campaigns
        .iter()
        .map(|c| {
            c.outreaches
                .iter()
                .map(|o| vec![0; o.recipients.len()])
                .collect()
        })
        .collect();
    let mut sent_phones: FxHashMap<(u32, u32), FxHashSet<Phone>> = FxHashMap::default();
    let mut end = 0;
    for e in trace {
        end = e.t;
        if !matches!(e.kind, Kind::Send | Kind::Skip(_) | Kind::Unreached(_)) {
            continue;
        }
        let n = &mut count[e.campaign as usize][e.outreach as usize][e.recipient as usize];
        *n = n.saturating_add(1);
        if e.kind == Kind::Send
            && config.duplicates == Duplicates::SendOnce
            && let Some(phone) = e.phone
            && !sent_phones
                .entry((e.campaign, e.outreach))
                .or_default()
                .insert(phone)
        {
            found.push(Violation {
                invariant: Invariant::Duplicate,
                campaign: Some(e.campaign),
                t: e.t,
                detail: format!("{phone} sent twice in outreach {}", e.outreach),
            });
        }
    }
    for (c, outreaches) in count.iter().enumerate() {
        for (o, rows) in outreaches.iter().enumerate() {
            let bad: Vec<usize> = (0..rows.len()).filter(|&r| rows[r] != 1).collect();
            if let Some(&first) = bad.first() {
                found.push(Violation {
                    invariant: Invariant::Conservation,
                    campaign: Some(c as u32),
                    t: end,
                    detail: format!(
                        "{} recipients of outreach {o} do not have exactly one fate (first: row {first}, {} fates)",
                        bad.len(),
                        rows[first]
                    ),
                });
            }
        }
    }
}

fn agent_capacity(config: &Config, trace: &[Event], found: &mut Vec<Violation>) {
    let mut load: Vec<Vec<u32>> = config
        .inboxes
        .iter()
        .map(|i| vec![0; i.agents as usize])
        .collect();
    for e in trace {
        match e.kind {
            Kind::Assign => {
                let l = &mut load[e.inbox as usize][e.agent as usize];
                *l += 1;
                let cap = config.inboxes[e.inbox as usize].capacity;
                if *l > cap {
                    found.push(Violation {
                        invariant: Invariant::AgentCapacity,
                        campaign: None,
                        t: e.t,
                        detail: format!(
                            "agent {} of inbox #{} holds {} conversations, capacity {cap}",
                            e.agent, e.inbox, *l
                        ),
                    });
                }
            }
            Kind::Release => {
                let l = &mut load[e.inbox as usize][e.agent as usize];
                *l = l.saturating_sub(1);
            }
            _ => {}
        }
    }
}
