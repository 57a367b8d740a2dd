//! The auditor: proves the campaign system's invariants on a finished trace.
//!
//! It shares no logic with the engine and judges against the scenario as the user wrote it (its
//! windows, times, schedules, scope), not against the configuration the harness built for the
//! engine, so neither a limiter bug nor a translation mistake can hide. It re-derives every rule
//! from its definition: count the sends in each window, read each recipient's local clock, replay
//! the opt-out keywords, and check that no free slot went unused while someone was due.

mod clock;
mod liveness;

use std::fmt;

use rustc_hash::{FxHashMap, FxHashSet};

use model::Scope;
use model::record::{Event, Kind};
use model::time::Millis;
use model::{Duplicates, Lists, Phone};
use scenario::Scenario;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub invariant: Invariant,
    /// Campaign index, when the invariant is about one.
    pub campaign: Option<u32>,
    pub t: Millis,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Invariant {
    /// More sends in some window than the limit allows.
    SendWindow,
    /// A send at or after the outreach's end (or its stop), or before its start.
    OutreachTime,
    /// A send while the recipient's local clock read a time outside the schedule.
    Schedule,
    /// A send to a phone opted out under the configured scope.
    OptedOut,
    /// A recipient row with no fate or more than one (sent, skipped, unreached).
    Conservation,
    /// A phone sent twice within one outreach although duplicates are sent once.
    Duplicate,
    /// An agent holding more conversations than its capacity.
    AgentCapacity,
    /// An event recorded at an earlier time than the one before it.
    MonotonicTime,
    /// A free slot left unused while a recipient was due (eager pacing), or work left at the end
    /// of a run without a horizon.
    Liveness,
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
            Invariant::MonotonicTime => "monotonic_time",
            Invariant::Liveness => "liveness",
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

/// Audits traces of one scenario; build it once and audit every seed's trace with it.
pub struct Auditor<'a> {
    scn: &'a Scenario,
    /// Who each outreach texts, `[campaign][outreach][row]`, rebuilt from the scenario.
    lists: Lists,
}

impl<'a> Auditor<'a> {
    /// `lists` are the recipients the scenario's lists and segments name, built by the caller.
    pub fn new(scn: &'a Scenario, lists: Lists) -> Self {
        Auditor { scn, lists }
    }

    /// Every violation found in `trace`, which must hold every event of a run in order.
    pub fn audit(&self, trace: &[Event]) -> Vec<Violation> {
        let mut found = Vec::new();
        monotonic_time(trace, &mut found);
        self.send_windows(trace, &mut found);
        self.send_times_and_schedules(trace, &mut found);
        self.opt_outs(trace, &mut found);
        self.fates(trace, &mut found);
        self.agent_capacity(trace, &mut found);
        liveness::check(self.scn, &self.lists, trace, &mut found);
        found
    }

    fn send_windows(&self, trace: &[Event], found: &mut Vec<Violation>) {
        let mut times: Vec<Vec<Millis>> = vec![Vec::new(); self.scn.campaigns.len()];
        for e in sends(trace) {
            times[e.campaign as usize].push(e.t);
        }
        for (c, t) in times.iter().enumerate() {
            for w in &self.scn.limits.windows {
                let n = w.max as usize;
                // n+1 sends spanning less than `per` fit in one half-open window of length `per`.
                if let Some(i) = (n..t.len()).find(|&i| t[i] - t[i - n] < w.per) {
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
                }
            }
        }
    }

    fn send_times_and_schedules(&self, trace: &[Event], found: &mut Vec<Violation>) {
        let scn = self.scn;
        for e in sends(trace) {
            let campaign = &scn.campaigns[e.campaign as usize];
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
                    format!("sent at or after the outreach was stopped (t={stop} ms)"),
                );
            }
            let recipient =
                self.lists[e.campaign as usize][e.outreach as usize][e.recipient as usize];
            let tz = &scn.zones[recipient.zone as usize].tz;
            if !clock::is_open(campaign.schedule.as_ref(), tz, scn.epoch, e.t) {
                bad(
                    Invariant::Schedule,
                    format!(
                        "sent at {} local time of the recipient (row {}), outside the schedule",
                        clock::local_reading(tz, scn.epoch, e.t),
                        e.recipient
                    ),
                );
            }
        }
    }

    /// Replays what customers wrote, read with the auditor's own keyword lists (DOMAIN.md), not
    /// the opt-out records of the engine, so an engine deaf to "STOP" is caught too.
    fn opt_outs(&self, trace: &[Event], found: &mut Vec<Violation>) {
        let scope_of = |number: u32| match self.scn.limits.opt_out_scope {
            Scope::Company => None,
            Scope::SenderNumber => Some(number),
        };
        let mut blocked: FxHashSet<(Option<u32>, Phone)> = FxHashSet::default();
        for e in trace {
            let Some(phone) = e.phone else { continue };
            match e.kind {
                Kind::Reply {
                    body: Some(body), ..
                } => {
                    let replies = &self.scn.campaigns[e.campaign as usize].customers.replies;
                    let Some((text, _)) = replies.get(body as usize) else {
                        continue;
                    };
                    if OPT_OUT.iter().any(|k| k.eq_ignore_ascii_case(text.trim())) {
                        blocked.insert((scope_of(e.number), phone));
                    } else if OPT_IN.iter().any(|k| k.eq_ignore_ascii_case(text.trim())) {
                        blocked.remove(&(scope_of(e.number), phone));
                    }
                }
                Kind::Send if blocked.contains(&(scope_of(e.number), phone)) => {
                    found.push(Violation {
                        invariant: Invariant::OptedOut,
                        campaign: Some(e.campaign),
                        t: e.t,
                        detail: format!("sent to {phone}, who had replied an opt-out keyword"),
                    })
                }
                _ => {}
            }
        }
    }

    fn fates(&self, trace: &[Event], found: &mut Vec<Violation>) {
        let mut count: Vec<Vec<Vec<u8>>> = self
            .lists
            .iter()
            .map(|c| c.iter().map(|rows| vec![0; rows.len()]).collect())
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
                && self.scn.limits.duplicates == Duplicates::SendOnce
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

    fn agent_capacity(&self, trace: &[Event], found: &mut Vec<Violation>) {
        let mut load: Vec<Vec<u32>> = self
            .scn
            .inboxes
            .iter()
            .map(|i| vec![0; i.agents as usize])
            .collect();
        for e in trace {
            match e.kind {
                Kind::Assign => {
                    let l = &mut load[e.inbox as usize][e.agent as usize];
                    *l += 1;
                    let cap = self.scn.inboxes[e.inbox as usize].capacity;
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
}

/// A message opts out (or back in) when it is exactly one of these words, in any case: "STOP
/// PLEASE" does neither. Written out again from DOMAIN.md on purpose, not taken from the engine:
/// a word the engine forgot must still count here.
const OPT_OUT: &[&str] = &[
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "REVOKE",
    "OPTOUT",
];
const OPT_IN: &[&str] = &["START", "YES", "UNSTOP"];

fn sends(trace: &[Event]) -> impl Iterator<Item = &Event> {
    trace.iter().filter(|e| e.kind == Kind::Send)
}

/// Virtual time only moves forward: every event is at or after the one before it.
fn monotonic_time(trace: &[Event], found: &mut Vec<Violation>) {
    let mut back = trace
        .windows(2)
        .enumerate()
        .filter(|(_, pair)| pair[1].t < pair[0].t);
    if let Some((i, pair)) = back.next() {
        found.push(Violation {
            invariant: Invariant::MonotonicTime,
            campaign: None,
            t: pair[1].t,
            detail: format!(
                "event {} ({}) at t={} ms comes after one at t={} ms; {} such steps back in all",
                i + 1,
                pair[1].kind.name(),
                pair[1].t,
                pair[0].t,
                1 + back.count()
            ),
        });
    }
}
