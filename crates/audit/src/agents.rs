//! Agent capacity: no agent holds more conversations at once than its inbox's capacity. The state
//! is each agent's load now: assignments count up, releases count down.
//!
//! Shifts: nothing is assigned to an agent whose shift group's hours, read on the company clock
//! (the auditor's own reading, `clock.rs`), do not cover the instant. Overtime is allowed only as
//! finishing held work: follow-ups in a live session (`handle`) are not assignments.

use jiff::tz::TimeZone;

use model::schedule::WeeklySchedule;
use model::time::{Epoch, Instant};
use model::{AgentId, InboxId};
use scenario::Scenario;

use super::{Invariant, Violation, clock};

pub struct Agents {
    capacity: Vec<u32>,
    /// Each agent's shift hours, `[inbox][agent]`; `None`: always on shift.
    hours: Vec<Vec<Option<WeeklySchedule>>>,
    company: TimeZone,
    epoch: Epoch,
    /// Conversations held, `[inbox][agent]`.
    load: Vec<Vec<u32>>,
    found: Vec<Violation>,
}

impl Agents {
    pub fn new(scn: &Scenario) -> Agents {
        Agents {
            capacity: scn.inboxes.iter().map(|i| i.capacity).collect(),
            load: scn
                .inboxes
                .iter()
                .map(|i| vec![0; i.agents as usize])
                .collect(),
            hours: scn.inboxes.iter().map(agent_hours).collect(),
            company: scn.zones[0].tz.clone(),
            epoch: scn.epoch,
            found: Vec::new(),
        }
    }

    pub fn assign(&mut self, t: Instant, inbox: InboxId, agent: AgentId) {
        self.on_shift(t, inbox, agent);
        let l = &mut self.load[inbox.index()][agent.index()];
        *l += 1;
        let cap = self.capacity[inbox.index()];
        if *l > cap {
            self.found.push(Violation {
                invariant: Invariant::AgentCapacity,
                campaign: None,
                t,
                detail: format!(
                    "agent {agent} of inbox #{inbox} holds {} conversations, capacity {cap}",
                    *l
                ),
            });
        }
    }

    fn on_shift(&mut self, t: Instant, inbox: InboxId, agent: AgentId) {
        let hours = self.hours[inbox.index()]
            .get(agent.index())
            .and_then(Option::as_ref);
        if hours.is_some_and(|h| !clock::is_open(Some(h), &self.company, self.epoch, t)) {
            self.found.push(Violation {
                invariant: Invariant::OffShift,
                campaign: None,
                t,
                detail: format!(
                    "agent {agent} of inbox #{inbox} was assigned a conversation at {}, outside their shift",
                    clock::local_reading(&self.company, self.epoch, t)
                ),
            });
        }
    }

    pub fn release(&mut self, inbox: InboxId, agent: AgentId) {
        let l = &mut self.load[inbox.index()][agent.index()];
        *l = l.saturating_sub(1);
    }

    pub fn take_found(&mut self) -> Vec<Violation> {
        std::mem::take(&mut self.found)
    }
}

/// Each agent's hours, numbered group after group as the scenario lists them.
fn agent_hours(inbox: &scenario::Inbox) -> Vec<Option<WeeklySchedule>> {
    if inbox.shifts.is_empty() {
        return vec![None; inbox.agents as usize];
    }
    inbox
        .shifts
        .iter()
        .flat_map(|s| std::iter::repeat_n(Some(s.hours.clone()), s.agents as usize))
        .collect()
}
