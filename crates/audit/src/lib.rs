//! The auditor: proves the campaign system's invariants on a run's records, as they happen.
//!
//! It shares no logic with the engine and judges against the scenario as the user wrote it (its
//! windows, times, schedules, scope), not against the configuration the harness built for the
//! engine, so neither a limiter bug nor a translation mistake can hide. It re-derives every rule
//! from its definition: count the sends in each window, read each recipient's local clock, replay
//! the opt-out keywords, and check that no free slot went unused while someone was due.
//!
//! An [`Auditor`] is an [`Observer`]: it judges each record as it arrives and keeps only what the
//! rules need to remember (a bit per recipient row, the phones opted out, each agent's load, the
//! last `max` sends of each window), never the records, so a run of millions of recipients is
//! audited without storing its trace. End-of-run rules (conservation, work left behind) are
//! judged in [`Observer::finish`].

mod agents;
mod clock;
mod fates;
mod liveness;
mod opt_out;
mod people_match;
mod routing;
mod windows;

#[cfg(test)]
mod tests;

use std::fmt;

use model::time::Instant;
use model::{
    CampaignId, Duplicates, EndReason, Lists, Observer, Phone, RecipientRef, Record, Source,
};
use scenario::Scenario;

use agents::Agents;
use fates::{Fates, Phonebook};
use liveness::Liveness;
use opt_out::OptOuts;
use people_match::PeopleMatch;
use routing::Routing;
use windows::SendWindows;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub invariant: Invariant,
    /// The campaign, when the invariant is about one.
    pub campaign: Option<CampaignId>,
    pub t: Instant,
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
    /// A conversation assigned to an agent outside their shift (or a session kept past it when
    /// agents hand over or requeue at the end of their shift).
    OffShift,
    /// A conversation taken by an agent who does not serve its inbox.
    AgentInbox,
    /// A record at an earlier time than the one before it.
    MonotonicTime,
    /// A free slot left unused while a recipient was due (eager pacing), or work left at the end
    /// of a run without a horizon.
    Liveness,
    /// A routing rule moved a conversation to an inbox the scenario does not have.
    TransferTarget,
    /// A rule fired after it was switched off for looping.
    DisabledRule,
    /// A conversation a rule closed (or marked "no reply needed") reached an agent.
    ClosedByRule,
    /// An agent took a conversation while one of the same inbox with a higher People Match
    /// score waited.
    PeopleMatch,
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
            Invariant::OffShift => "off_shift",
            Invariant::AgentInbox => "agent_inbox",
            Invariant::MonotonicTime => "monotonic_time",
            Invariant::Liveness => "liveness",
            Invariant::TransferTarget => "transfer_target",
            Invariant::DisabledRule => "disabled_rule",
            Invariant::ClosedByRule => "closed_by_rule",
            Invariant::PeopleMatch => "people_match",
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {}", self.invariant.name(), self.t)?;
        if let Some(c) = self.campaign {
            write!(f, " (campaign #{c})")?;
        }
        write!(f, ": {}", self.detail)
    }
}

/// Every violation in a stored trace of a run of `scn` whose recipients are `lists`.
///
/// Feeds each record to an [`Auditor`] in order, then finishes the run at the instant of the last
/// record (the start for an empty trace): the end-of-run findings are dated there, as they would
/// be for a live run whose last record closes it.
pub fn audit(scn: &Scenario, lists: &Lists, trace: &[(Instant, Record)]) -> Vec<Violation> {
    let roster = Roster::new(scn, lists);
    let mut auditor = Auditor::new(scn, &roster);
    for (at, record) in trace {
        auditor.observe(*at, record);
    }
    auditor.finish(trace.last().map_or(Instant::START, |&(at, _)| at));
    auditor.into_violations()
}

/// The recipient lists of a scenario as the auditor reads them, with what it derives from them
/// once for every run: each list's phonebook, when duplicates are sent once (indexing millions
/// of phones costs more than a run, so it is not done per run).
pub struct Roster<'a> {
    /// Who each outreach texts, `[campaign][outreach][row]`.
    lists: &'a Lists,
    phonebooks: Vec<Vec<Option<Phonebook>>>,
}

impl<'a> Roster<'a> {
    /// `lists` are the recipients the scenario's lists and segments name, built by the caller.
    pub fn new(scn: &Scenario, lists: &'a Lists) -> Self {
        assert_eq!(
            lists.len(),
            scn.campaigns.len(),
            "one recipient list per campaign"
        );
        let send_once = scn.limits.duplicates == Duplicates::SendOnce;
        let phonebooks = lists
            .iter()
            .map(|c| {
                c.iter()
                    .map(|list| send_once.then(|| Phonebook::new(list)))
                    .collect()
            })
            .collect();
        Roster { lists, phonebooks }
    }
}

/// Audits one run of a scenario as its records arrive. Build one per run; the scenario and the
/// roster are borrowed, so the auditors of many seeds run side by side on one copy.
pub struct Auditor<'a> {
    scn: &'a Scenario,
    /// Who each outreach texts, `[campaign][outreach][row]`.
    lists: &'a Lists,
    order: Order,
    /// Per campaign: its send windows and its liveness.
    campaigns: Vec<(SendWindows, Liveness)>,
    /// Sends outside their outreach's time or the schedule, in record order.
    timing: Vec<Violation>,
    opt_outs: OptOuts<'a>,
    fates: Fates<'a>,
    agents: Agents,
    routing: Routing,
    people_match: PeopleMatch<'a>,
    /// Every finding, once the run is finished.
    found: Option<Vec<Violation>>,
}

impl<'a> Auditor<'a> {
    pub fn new(scn: &'a Scenario, roster: &'a Roster<'a>) -> Self {
        let lists = roster.lists;
        let campaigns = lists
            .iter()
            .map(|c| {
                let windows = SendWindows::new(&scn.limits.windows);
                (windows, Liveness::new(scn.zones.len(), c))
            })
            .collect();
        Auditor {
            scn,
            lists,
            order: Order::default(),
            campaigns,
            timing: Vec::new(),
            opt_outs: OptOuts::new(scn),
            fates: Fates::new(roster),
            agents: Agents::new(scn),
            routing: Routing::new(scn.inboxes.len()),
            people_match: PeopleMatch::new(scn),
            found: None,
        }
    }

    /// Every violation of the run, in a fixed order: monotonic time; send windows by campaign
    /// and window; outreach times and schedules, opt-outs and duplicates in record order;
    /// conservation by campaign and outreach; agent capacity, then routing, then People Match, in
    /// record order; liveness by campaign. Panics before [`Observer::finish`], when the end-of-run rules are not judged yet.
    pub fn violations(&self) -> &[Violation] {
        self.found
            .as_deref()
            .expect("Auditor::violations called before the run was finished")
    }

    /// [`Auditor::violations`], owned.
    pub fn into_violations(self) -> Vec<Violation> {
        self.found
            .expect("Auditor::into_violations called before the run was finished")
    }

    /// A sent, skipped or unreached row of `to` at `at`. With eager pacing, the stretch since
    /// the campaign's previous such record is judged first (its windows before this send).
    fn before_fate(&mut self, at: Instant, to: RecipientRef) {
        let (windows, liveness) = &mut self.campaigns[to.campaign.index()];
        liveness.before_fate(self.scn, to.campaign, at, windows);
    }

    fn fate(&mut self, to: RecipientRef) {
        let zone = self.lists[to.campaign.index()]
            .get(to.outreach.index())
            .and_then(|rows| rows.get(to.row.index()))
            .map(|r| r.zone);
        self.campaigns[to.campaign.index()]
            .1
            .fate(to.outreach, zone);
        self.fates.fate(to);
    }

    fn send(&mut self, at: Instant, to: RecipientRef, phone: Phone, number: model::NumberId) {
        self.before_fate(at, to);
        self.campaigns[to.campaign.index()].0.send(to.campaign, at);
        self.fate(to);
        self.send_time(at, to);
        self.opt_outs.send(at, to.campaign, phone, number);
        self.fates.send(at, to, phone);
    }

    /// A send at `at` must fall within its outreach's time and, on the recipient's own clock,
    /// within the campaign's schedule.
    fn send_time(&mut self, at: Instant, to: RecipientRef) {
        let scn = self.scn;
        let campaign = &scn.campaigns[to.campaign.index()];
        let outreach = &campaign.outreaches[to.outreach.index()];
        let mut bad = |invariant, detail: String| {
            self.timing.push(Violation {
                invariant,
                campaign: Some(to.campaign),
                t: at,
                detail,
            })
        };
        if at < outreach.start {
            bad(
                Invariant::OutreachTime,
                format!("sent before the outreach start ({})", outreach.start),
            );
        }
        if let Some(end) = outreach.end.filter(|&end| at >= end) {
            bad(
                Invariant::OutreachTime,
                format!("sent at or after the outreach end ({end})"),
            );
        }
        if let Some(stop) = outreach.stop_at.filter(|&stop| at >= stop) {
            bad(
                Invariant::OutreachTime,
                format!("sent at or after the outreach was stopped ({stop})"),
            );
        }
        let zone = self.lists[to.campaign.index()][to.outreach.index()].zone(to.row.index());
        let tz = &scn.zones[zone.index()].tz;
        if !clock::is_open(campaign.schedule.as_ref(), tz, scn.epoch, at) {
            bad(
                Invariant::Schedule,
                format!(
                    "sent at {} local time of the recipient (row {}), outside the schedule",
                    clock::local_reading(tz, scn.epoch, at),
                    to.row
                ),
            );
        }
    }
}

impl Observer for Auditor<'_> {
    fn observe(&mut self, at: Instant, record: &Record) {
        self.order.observe(at, record);
        match *record {
            Record::Send { to, phone, number } => self.send(at, to, phone, number),
            Record::Skip { to, .. } => {
                self.before_fate(at, to);
                self.fate(to);
            }
            Record::Unreached { to, reason, .. } => {
                self.before_fate(at, to);
                if reason == EndReason::Horizon {
                    self.campaigns[to.campaign.index()]
                        .1
                        .left_for_horizon(self.scn, at);
                }
                self.fate(to);
            }
            Record::Reply {
                source,
                phone,
                to,
                body,
                ..
            } => {
                self.people_match.reply(to);
                if let (Source::Campaign(c), Some(body)) = (source, body) {
                    self.opt_outs.reply(c, phone, to, body);
                }
            }
            Record::Route {
                conversation,
                inbox,
                ..
            } => self.people_match.route(at, conversation, inbox),
            Record::Reopen {
                conversation,
                inbox,
                ..
            } => self.people_match.reopen(at, conversation, inbox),
            Record::Assign {
                conversation,
                inbox,
                agent,
                ..
            } => {
                self.routing.agent(at, conversation);
                self.people_match.assign(at, conversation, inbox);
                self.agents.assign(at, inbox, agent);
            }
            Record::Handle {
                conversation,
                agent,
                ..
            } => {
                self.routing.agent(at, conversation);
                self.agents.handle(at, agent);
            }
            Record::Handover {
                conversation,
                inbox,
                from,
                to,
                ..
            } => {
                self.routing.agent(at, conversation);
                self.agents.release(from);
                self.agents.assign(at, inbox, to);
            }
            Record::Release { agent, .. } => self.agents.release(agent),
            Record::Transfer {
                conversation, to, ..
            } => self.routing.transfer(at, conversation, to),
            Record::RuleFired { rule, conversation } => {
                self.routing.fired(at, rule);
                self.people_match.fired(rule, conversation);
            }
            Record::RuleDisabled { rule } => self.routing.disabled(rule),
            Record::ClosedByRule { conversation, .. } => {
                self.routing.closed(conversation);
                self.people_match.closed(conversation);
            }
            _ => {}
        }
    }

    /// Judges the end-of-run rules and puts every finding in order. The end-of-run findings are
    /// dated at the last record, as the rules read them from the records (at `end` when there
    /// was none). A second call changes nothing.
    fn finish(&mut self, end: Instant) {
        if self.found.is_some() {
            return;
        }
        let end = self.order.last.unwrap_or(end);
        let mut found: Vec<Violation> = self.order.violation().into_iter().collect();
        let (windows, liveness): (Vec<_>, Vec<_>) =
            std::mem::take(&mut self.campaigns).into_iter().unzip();
        found.extend(windows.into_iter().flat_map(SendWindows::into_breaches));
        found.append(&mut self.timing);
        found.append(&mut self.opt_outs.take_found());
        found.append(&mut self.fates.take_duplicates());
        found.append(&mut self.fates.conservation(end));
        found.append(&mut self.agents.take_found());
        found.append(&mut self.routing.take_found());
        found.append(&mut self.people_match.take_found());
        found.extend(
            liveness
                .into_iter()
                .enumerate()
                .flat_map(|(c, l)| l.into_violations(CampaignId::new(c))),
        );
        self.found = Some(found);
    }
}

/// Virtual time only moves forward: every record is at or after the one before it. Remembers the
/// first step back and counts them all.
#[derive(Default)]
struct Order {
    records: u64,
    last: Option<Instant>,
    /// The first step back: the record's position and name, its instant, the one before.
    first_back: Option<(u64, &'static str, Instant, Instant)>,
    steps_back: u64,
}

impl Order {
    fn observe(&mut self, at: Instant, record: &Record) {
        if let Some(before) = self.last.filter(|&before| at < before) {
            self.steps_back += 1;
            self.first_back
                .get_or_insert((self.records, record.name(), at, before));
        }
        self.records += 1;
        self.last = Some(at);
    }

    fn violation(&self) -> Option<Violation> {
        let (index, name, t, before) = self.first_back?;
        Some(Violation {
            invariant: Invariant::MonotonicTime,
            campaign: None,
            t,
            detail: format!(
                "event {index} ({name}) at {t} comes after one at {before}; {} such steps back in all",
                self.steps_back
            ),
        })
    }
}
