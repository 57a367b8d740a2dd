//! An inbox: conversations waiting by due date, and agents (on shift) taking them up to their
//! capacity.

use jiff::tz::TimeZone;

use super::agents::Agents;
use super::config::InboxConfig;
use super::people_match::{Queue, Score};
use model::time::{Epoch, Instant};
use model::{AgentId, ConversationId, SkillId};

#[derive(Debug)]
pub struct Inbox {
    agents: Agents,
    /// In People Match order.
    waiting: Queue,
}

impl Inbox {
    /// `zone` and `epoch` read shift hours on the company clock.
    pub fn new(cfg: &InboxConfig, zone: TimeZone, epoch: Epoch) -> Self {
        Inbox {
            agents: Agents::new(cfg.agents, &cfg.shifts, cfg.capacity, zone, epoch),
            waiting: Queue::default(),
        }
    }

    pub fn enqueue(&mut self, due: Instant, conversation: ConversationId, score: Score) {
        self.waiting.push(due, conversation, score);
    }

    /// The next (conversation, agent) pair at `now` if a conversation waits and an agent on
    /// shift has room (see [`Agents::pick`]); `skill_of` names the skill a conversation needs.
    pub fn assign_next(
        &mut self,
        now: Instant,
        skill_of: impl Fn(ConversationId) -> Option<SkillId>,
    ) -> Option<(ConversationId, AgentId)> {
        let conversation = self.waiting.peek(now)?;
        let agent = self.agents.pick(now, skill_of(conversation))?;
        self.waiting.pop(now);
        self.agents.take(agent);
        Some((conversation, agent))
    }

    pub fn release(&mut self, agent: AgentId) {
        self.agents.release(agent);
    }

    /// When conversations wait that nobody on shift can take now: the next shift start after
    /// `now`, if one comes.
    pub fn wake_for_waiting(&mut self, now: Instant) -> Option<Instant> {
        if self.waiting.is_empty() {
            return None;
        }
        self.agents.next_shift_start(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::time::Span;

    #[test]
    fn earliest_due_first_and_least_loaded_agent() {
        let mut ib = Inbox::new(
            &InboxConfig {
                agents: 2,
                shifts: Vec::new(),
                capacity: 1,
                sla: Span::ZERO,
                same_agent_window: Span::ZERO,
            },
            TimeZone::UTC,
            Epoch(jiff::Timestamp::UNIX_EPOCH),
        );
        let (conv, agent) = (ConversationId::new, AgentId::new);
        ib.enqueue(Instant::from_millis(50), conv(1), Score::default());
        ib.enqueue(Instant::from_millis(10), conv(2), Score::default());
        ib.enqueue(Instant::from_millis(30), conv(3), Score::default());
        assert_eq!(
            ib.assign_next(Instant::START, |_| None),
            Some((conv(2), agent(0)))
        );
        assert_eq!(
            ib.assign_next(Instant::START, |_| None),
            Some((conv(3), agent(1)))
        );
        assert_eq!(
            ib.assign_next(Instant::START, |_| None),
            None,
            "both agents are at capacity"
        );
        ib.release(agent(1));
        assert_eq!(
            ib.assign_next(Instant::START, |_| None),
            Some((conv(1), agent(1)))
        );
    }
}
