//! Time on and off shift, per shift group, read on the company clock:
//! - overtime: time agents hold conversations after their shift ended (they finish what they hold
//!   and take nothing new): the stretches with at least one conversation held, outside the hours;
//! - occupancy: busy slot-time while on shift over staffed slot-time (agents x capacity x the
//!   time the group was on shift).
//!
//! An agent's work counts toward their own shift group and inbox, whichever inbox the
//! conversation is in (an agent who also serves another inbox is still one agent).

use jiff::tz::TimeZone;

use model::schedule::WeeklySchedule;
use model::time::{Epoch, Instant, Span};
use model::{AgentId, InboxId, ShiftId, Staff};
use scenario::Scenario;

use engine::schedule::time_outside;

#[derive(Debug, Clone)]
struct Agent {
    /// `None`: always on shift, nothing to measure.
    group: Option<ShiftId>,
    load: u32,
    /// Since when the agent has held at least one conversation.
    busy_since: Option<Instant>,
    /// When `load` last changed.
    last_change: Instant,
}

/// A shift group's slot-time, in slot-milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GroupTime {
    /// Held conversations x time, while the group was on shift.
    pub busy_slot_ms: u128,
    /// Agents x capacity x time the group was on shift (filled in at the end of the run).
    pub staffed_slot_ms: u128,
}

#[derive(Debug, Clone)]
struct Group {
    home: InboxId,
    hours: WeeklySchedule,
    /// Agents x their inbox's standard capacity.
    slots: u32,
    time: GroupTime,
}

#[derive(Debug, Clone)]
pub struct ShiftTime {
    agents: Vec<Agent>,
    groups: Vec<Group>,
    /// Per inbox, overtime of its agents' busy stretches that have ended.
    overtime: Vec<Span>,
    company: TimeZone,
    epoch: Epoch,
}

impl ShiftTime {
    pub fn new(scn: &Scenario) -> Self {
        let staff: Staff = scn.staff();
        let shifts = scn.inboxes.iter().flat_map(|i| &i.shifts);
        let groups = shifts
            .zip(&staff.groups)
            .map(|(shift, g)| Group {
                home: g.home,
                hours: shift.hours.clone(),
                slots: shift.agents * scn.inboxes[g.home.index()].capacity,
                time: GroupTime::default(),
            })
            .collect();
        ShiftTime {
            agents: (staff.agents.iter())
                .map(|a| Agent {
                    group: a.group,
                    load: 0,
                    busy_since: None,
                    last_change: Instant::START,
                })
                .collect(),
            groups,
            overtime: vec![Span::ZERO; scn.inboxes.len()],
            company: scn.zones[0].tz.clone(),
            epoch: scn.epoch,
        }
    }

    pub fn assign(&mut self, agent: AgentId, now: Instant) {
        if self.works_shifts(agent) {
            self.account(agent, now);
            let a = &mut self.agents[agent.index()];
            a.load += 1;
            a.busy_since.get_or_insert(now);
        }
    }

    pub fn release(&mut self, agent: AgentId, now: Instant) {
        if !self.works_shifts(agent) {
            return;
        }
        self.account(agent, now);
        let a = &mut self.agents[agent.index()];
        a.load -= 1;
        if a.load == 0 {
            self.end_busy(agent, now);
        }
    }

    /// The agent's busy stretch is over at `now`: its time outside their hours is overtime.
    fn end_busy(&mut self, agent: AgentId, now: Instant) {
        let a = &mut self.agents[agent.index()];
        let (Some(since), Some(g)) = (a.busy_since.take(), a.group) else {
            return;
        };
        let group = &self.groups[g.index()];
        let off = time_outside(&group.hours, &self.company, self.epoch, since, now);
        let overtime = &mut self.overtime[group.home.index()];
        *overtime = *overtime + off;
    }

    /// Agents always on shift have no overtime or occupancy to measure.
    fn works_shifts(&self, agent: AgentId) -> bool {
        self.agents[agent.index()].group.is_some()
    }

    /// Adds the busy slot-time on shift of an agent who works shifts, up to `now`.
    fn account(&mut self, agent: AgentId, now: Instant) {
        let a = &mut self.agents[agent.index()];
        let Some(g) = a.group else {
            return;
        };
        let group = &mut self.groups[g.index()];
        if a.load > 0 {
            let span = now.saturating_since(a.last_change);
            let off = time_outside(&group.hours, &self.company, self.epoch, a.last_change, now);
            let on = span.as_millis().saturating_sub(off.as_millis());
            group.time.busy_slot_ms += u128::from(a.load) * u128::from(on);
        }
        a.last_change = now;
    }

    /// At the end of the run: per inbox, the overtime of its agents (those still busy count up
    /// to the end), and each of its shift groups' slot-time.
    pub fn finish(&mut self, end: Instant) -> Vec<(Span, Vec<GroupTime>)> {
        for a in AgentId::all(self.agents.len()) {
            if self.works_shifts(a) {
                self.account(a, end);
                self.end_busy(a, end);
            }
        }
        let mut per_inbox: Vec<(Span, Vec<GroupTime>)> =
            self.overtime.iter().map(|&o| (o, Vec::new())).collect();
        for group in &mut self.groups {
            let off = time_outside(&group.hours, &self.company, self.epoch, Instant::START, end);
            let on = end.as_millis().saturating_sub(off.as_millis());
            group.time.staffed_slot_ms = u128::from(group.slots) * u128::from(on);
            per_inbox[group.home.index()].1.push(group.time);
        }
        per_inbox
    }
}
