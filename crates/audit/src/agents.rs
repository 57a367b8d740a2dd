//! Agent capacity: no agent holds more conversations at once than its inbox's capacity. The state
//! is each agent's load now: assignments count up, releases count down.

use model::time::Instant;
use model::{AgentId, InboxId};
use scenario::Scenario;

use super::{Invariant, Violation};

pub struct Agents {
    capacity: Vec<u32>,
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
            found: Vec::new(),
        }
    }

    pub fn assign(&mut self, t: Instant, inbox: InboxId, agent: AgentId) {
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

    pub fn release(&mut self, inbox: InboxId, agent: AgentId) {
        let l = &mut self.load[inbox.index()][agent.index()];
        *l = l.saturating_sub(1);
    }

    pub fn take_found(&mut self) -> Vec<Violation> {
        std::mem::take(&mut self.found)
    }
}
