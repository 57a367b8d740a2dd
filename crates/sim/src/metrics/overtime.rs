//! Overtime: time agents on shifts spend holding conversations after their shift ended (they
//! finish what they hold and take nothing new). Per agent, the stretches with at least one
//! conversation held are measured against the shift's hours on the company clock.

use jiff::tz::TimeZone;

use model::schedule::WeeklySchedule;
use model::time::{Epoch, Instant, Span};
use model::{AgentId, InboxId};
use scenario::Scenario;

#[derive(Debug, Clone)]
struct Agent {
    hours: WeeklySchedule,
    load: u32,
    /// Since when the agent has held at least one conversation.
    busy_since: Option<Instant>,
}

#[derive(Debug, Clone)]
pub struct Overtime {
    /// `[inbox][agent]`; empty for an inbox whose agents are always on shift.
    agents: Vec<Vec<Agent>>,
    company: TimeZone,
    epoch: Epoch,
}

impl Overtime {
    pub fn new(scn: &Scenario) -> Self {
        let agents = scn
            .inboxes
            .iter()
            .map(|inbox| {
                inbox
                    .shifts
                    .iter()
                    .flat_map(|s| (0..s.agents).map(|_| s.hours.clone()))
                    .map(|hours| Agent {
                        hours,
                        load: 0,
                        busy_since: None,
                    })
                    .collect()
            })
            .collect();
        Overtime {
            agents,
            company: scn.zones[0].tz.clone(),
            epoch: scn.epoch,
        }
    }

    pub fn assign(&mut self, inbox: InboxId, agent: AgentId, now: Instant) {
        if let Some(a) = self.agents[inbox.index()].get_mut(agent.index()) {
            a.load += 1;
            a.busy_since.get_or_insert(now);
        }
    }

    /// The overtime the agent's busy stretch held, once they hold nothing any more.
    pub fn release(&mut self, inbox: InboxId, agent: AgentId, now: Instant) -> Span {
        let Some(a) = self.agents[inbox.index()].get_mut(agent.index()) else {
            return Span::ZERO;
        };
        a.load -= 1;
        if a.load > 0 {
            return Span::ZERO;
        }
        let since = a.busy_since.take().unwrap_or(now);
        engine::schedule::time_outside(&a.hours, &self.company, self.epoch, since, now)
    }

    /// Overtime of every inbox's agents still busy at `end`, by inbox.
    pub fn finish(&mut self, end: Instant) -> Vec<Span> {
        self.agents
            .iter_mut()
            .map(|agents| {
                agents
                    .iter_mut()
                    .filter_map(|a| a.busy_since.take().map(|since| (since, &a.hours)))
                    .map(|(since, hours)| {
                        engine::schedule::time_outside(hours, &self.company, self.epoch, since, end)
                    })
                    .fold(Span::ZERO, |total, s| total + s)
            })
            .collect()
    }
}
