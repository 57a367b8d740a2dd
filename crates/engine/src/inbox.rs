//! An inbox: conversations waiting by due date, and agents taking them up to their capacity.

use super::config::InboxConfig;
use super::people_match::{Queue, Score};
use model::time::Instant;
use model::{AgentId, ConversationId};

#[derive(Debug)]
pub struct Inbox {
    /// Conversations each agent holds now.
    load: Vec<u32>,
    capacity: u32,
    free_slots: u32,
    /// In People Match order.
    waiting: Queue,
}

impl Inbox {
    pub fn new(cfg: &InboxConfig) -> Self {
        Inbox {
            load: vec![0; cfg.agents as usize],
            capacity: cfg.capacity,
            free_slots: cfg.agents * cfg.capacity,
            waiting: Queue::default(),
        }
    }

    pub fn enqueue(&mut self, due: Instant, conversation: ConversationId, score: Score) {
        self.waiting.push(due, conversation, score);
    }

    /// The next (conversation, agent) pair if a conversation waits and an agent has room: the
    /// "next most available" agent is the one holding the fewest conversations (lowest index on ties).
    pub fn assign_next(&mut self, now: Instant) -> Option<(ConversationId, AgentId)> {
        if self.free_slots == 0 {
            return None;
        }
        let conversation = self.waiting.pop(now)?;
        let (agent, _) = self
            .load
            .iter()
            .enumerate()
            .filter(|&(_, &l)| l < self.capacity)
            .min_by_key(|&(i, &l)| (l, i))
            .expect("free_slots > 0 means some agent has room");
        self.load[agent] += 1;
        self.free_slots -= 1;
        Some((conversation, AgentId::new(agent)))
    }

    pub fn release(&mut self, agent: AgentId) {
        self.load[agent.index()] -= 1;
        self.free_slots += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::time::Span;

    #[test]
    fn earliest_due_first_and_least_loaded_agent() {
        let mut ib = Inbox::new(&InboxConfig {
            agents: 2,
            capacity: 1,
            sla: Span::ZERO,
            same_agent_window: Span::ZERO,
        });
        let (conv, agent) = (ConversationId::new, AgentId::new);
        ib.enqueue(Instant::from_millis(50), conv(1), Score::default());
        ib.enqueue(Instant::from_millis(10), conv(2), Score::default());
        ib.enqueue(Instant::from_millis(30), conv(3), Score::default());
        assert_eq!(ib.assign_next(Instant::START), Some((conv(2), agent(0))));
        assert_eq!(ib.assign_next(Instant::START), Some((conv(3), agent(1))));
        assert_eq!(
            ib.assign_next(Instant::START),
            None,
            "both agents are at capacity"
        );
        ib.release(agent(1));
        assert_eq!(ib.assign_next(Instant::START), Some((conv(1), agent(1))));
    }
}
