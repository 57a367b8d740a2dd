//! Agent capacity: no agent holds more conversations at once than their capacity (their own
//! inbox's `standard`, or its `maximum` when agents pull work). The state is each agent's load
//! now, over every inbox they serve: assignments and handovers to them count up, releases and
//! handovers from them count down.
//!
//! Shifts: nothing is assigned or handed over to an agent whose shift group's hours, read on the
//! company clock (the auditor's own reading, `clock.rs`), do not cover the instant. Overtime is
//! allowed only as finishing held work: follow-ups in a live session (`handle`) are not
//! assignments, and when agents hand over or requeue at the end of a shift, not even those.
//!
//! Inboxes: an agent takes only conversations of the inboxes they serve (their own, and `also`).

use jiff::tz::TimeZone;

use model::schedule::WeeklySchedule;
use model::time::{Epoch, Instant};
use model::{AgentId, AtShiftEnd, InboxId, Staff};
use scenario::Scenario;

use super::{Invariant, Violation, clock};

pub struct Agents {
    staff: Staff,
    capacity: Vec<u32>,
    /// Each agent's shift hours; `None`: always on shift.
    hours: Vec<Option<WeeklySchedule>>,
    /// Whether agents finish their sessions after their shift (else they let them go).
    overtime: bool,
    company: TimeZone,
    epoch: Epoch,
    /// Conversations each agent holds.
    load: Vec<u32>,
    found: Vec<Violation>,
}

impl Agents {
    pub fn new(scn: &Scenario) -> Agents {
        let staff = scn.staff();
        let shifts: Vec<&model::Shift> = scn.inboxes.iter().flat_map(|i| &i.shifts).collect();
        let inbox = |a: &model::staff::Agent| &scn.inboxes[a.home.index()];
        Agents {
            capacity: (staff.agents.iter())
                .map(|a| match scn.routing.pull {
                    true => inbox(a).capacity_maximum,
                    false => inbox(a).capacity,
                })
                .collect(),
            hours: (staff.agents.iter())
                .map(|a| a.group.map(|g| shifts[g.index()].hours.clone()))
                .collect(),
            load: vec![0; staff.agents.len()],
            staff,
            overtime: scn.routing.at_shift_end == AtShiftEnd::Overtime,
            company: scn.zones[0].tz.clone(),
            epoch: scn.epoch,
            found: Vec::new(),
        }
    }

    fn breach(&mut self, invariant: Invariant, t: Instant, detail: String) {
        self.found.push(Violation {
            invariant,
            campaign: None,
            t,
            detail,
        });
    }

    /// `agent` takes a conversation of `inbox` (assigned, or handed over).
    pub fn assign(&mut self, t: Instant, inbox: InboxId, agent: AgentId) {
        let Some(&cap) = self.capacity.get(agent.index()) else {
            let detail = format!("agent {agent} does not exist");
            return self.breach(Invariant::AgentInbox, t, detail);
        };
        if !self.staff.serves(agent).contains(&inbox) {
            let detail = format!(
                "agent {agent} took a conversation of inbox #{inbox}, which they do not serve"
            );
            self.breach(Invariant::AgentInbox, t, detail);
        }
        self.on_shift(t, agent, "was assigned a conversation");
        let l = &mut self.load[agent.index()];
        *l += 1;
        if *l > cap {
            let detail = format!("agent {agent} holds {} conversations, capacity {cap}", *l);
            self.breach(Invariant::AgentCapacity, t, detail);
        }
    }

    /// `agent` starts on a customer's next message within the session.
    pub fn handle(&mut self, t: Instant, agent: AgentId) {
        if !self.overtime && agent.index() < self.hours.len() {
            self.on_shift(t, agent, "kept a session");
        }
    }

    fn on_shift(&mut self, t: Instant, agent: AgentId, what: &str) {
        let hours = self.hours[agent.index()].as_ref();
        if hours.is_some_and(|h| !clock::is_open(Some(h), &self.company, self.epoch, t)) {
            let detail = format!(
                "agent {agent} {what} at {}, outside their shift",
                clock::local_reading(&self.company, self.epoch, t)
            );
            self.breach(Invariant::OffShift, t, detail);
        }
    }

    pub fn release(&mut self, agent: AgentId) {
        if let Some(l) = self.load.get_mut(agent.index()) {
            *l = l.saturating_sub(1);
        }
    }

    pub fn take_found(&mut self) -> Vec<Violation> {
        std::mem::take(&mut self.found)
    }
}
