//! Time on and off shift, per shift group, read on the company clock:
//! - overtime: time agents hold conversations after their shift ended (they finish what they hold
//!   and take nothing new): the stretches with at least one conversation held, outside the hours;
//! - occupancy: busy slot-time while on shift over staffed slot-time (agents x capacity x the
//!   time the group was on shift).

use jiff::tz::TimeZone;

use model::schedule::WeeklySchedule;
use model::time::{Epoch, Instant, Span};
use model::{AgentId, InboxId};
use scenario::Scenario;

use engine::schedule::time_outside;

#[derive(Debug, Clone)]
struct Agent {
    group: usize,
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
struct Inbox {
    hours: Vec<WeeklySchedule>,
    /// Agents per group, and the capacity of each.
    staff: Vec<u32>,
    capacity: u32,
    /// Empty when the inbox's agents are always on shift.
    agents: Vec<Agent>,
    groups: Vec<GroupTime>,
}

#[derive(Debug, Clone)]
pub struct ShiftTime {
    inboxes: Vec<Inbox>,
    company: TimeZone,
    epoch: Epoch,
}

impl ShiftTime {
    pub fn new(scn: &Scenario) -> Self {
        let inboxes = scn
            .inboxes
            .iter()
            .map(|inbox| Inbox {
                hours: inbox.shifts.iter().map(|s| s.hours.clone()).collect(),
                staff: inbox.shifts.iter().map(|s| s.agents).collect(),
                capacity: inbox.capacity,
                agents: (inbox.shifts.iter().enumerate())
                    .flat_map(|(g, s)| (0..s.agents).map(move |_| g))
                    .map(|group| Agent {
                        group,
                        load: 0,
                        busy_since: None,
                        last_change: Instant::START,
                    })
                    .collect(),
                groups: vec![GroupTime::default(); inbox.shifts.len()],
            })
            .collect();
        ShiftTime {
            inboxes,
            company: scn.zones[0].tz.clone(),
            epoch: scn.epoch,
        }
    }

    pub fn assign(&mut self, inbox: InboxId, agent: AgentId, now: Instant) {
        if self.advance(inbox, agent, now) {
            let a = &mut self.inboxes[inbox.index()].agents[agent.index()];
            a.load += 1;
            a.busy_since.get_or_insert(now);
        }
    }

    /// The overtime the agent's busy stretch held, once they hold nothing any more.
    pub fn release(&mut self, inbox: InboxId, agent: AgentId, now: Instant) -> Span {
        if !self.advance(inbox, agent, now) {
            return Span::ZERO;
        }
        let ib = &mut self.inboxes[inbox.index()];
        let a = &mut ib.agents[agent.index()];
        a.load -= 1;
        if a.load > 0 {
            return Span::ZERO;
        }
        let since = a.busy_since.take().unwrap_or(now);
        time_outside(&ib.hours[a.group], &self.company, self.epoch, since, now)
    }

    /// Adds the agent's busy slot-time on shift up to `now`; whether the agent works shifts.
    fn advance(&mut self, inbox: InboxId, agent: AgentId, now: Instant) -> bool {
        let ib = &mut self.inboxes[inbox.index()];
        let Some(a) = ib.agents.get_mut(agent.index()) else {
            return false;
        };
        if a.load > 0 {
            let span = now.saturating_since(a.last_change);
            let off = time_outside(
                &ib.hours[a.group],
                &self.company,
                self.epoch,
                a.last_change,
                now,
            );
            let on = span.as_millis().saturating_sub(off.as_millis());
            ib.groups[a.group].busy_slot_ms += u128::from(a.load) * u128::from(on);
        }
        a.last_change = now;
        true
    }

    /// At the end of the run: per inbox, the overtime of agents still busy, and each shift
    /// group's slot-time.
    pub fn finish(&mut self, end: Instant) -> Vec<(Span, Vec<GroupTime>)> {
        (0..self.inboxes.len())
            .map(|i| {
                let inbox = InboxId::new(i);
                let mut overtime = Span::ZERO;
                for a in 0..self.inboxes[i].agents.len() {
                    self.advance(inbox, AgentId::new(a), end);
                    let ib = &mut self.inboxes[i];
                    if let Some(since) = ib.agents[a].busy_since.take() {
                        let hours = &ib.hours[ib.agents[a].group];
                        overtime =
                            overtime + time_outside(hours, &self.company, self.epoch, since, end);
                    }
                }
                let ib = &mut self.inboxes[i];
                for (g, time) in ib.groups.iter_mut().enumerate() {
                    let off =
                        time_outside(&ib.hours[g], &self.company, self.epoch, Instant::START, end);
                    let on = end.as_millis().saturating_sub(off.as_millis());
                    time.staffed_slot_ms =
                        u128::from(ib.staff[g]) * u128::from(ib.capacity) * u128::from(on);
                }
                (overtime, ib.groups.clone())
            })
            .collect()
    }
}
