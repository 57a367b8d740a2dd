//! People Match (DOMAIN.md "Replies and routing"): the order in which an inbox's waiting
//! conversations go to agents. Highest score first (the sizes of the boosts whose conditions hold
//! add up), ties and unboosted by earliest due date, then first come first served.
//!
//! A conversation's inbox, topics and needed skill are fixed once it is routed, and the time
//! conditions (waited longer than, overdue, due within) only ever turn from false to true, so its
//! score is a step function known at routing: points now, and points added at later instants.
//! Those rises are applied, in instant order, before each pop at or after them: a score is only
//! ever read by a pop, so this is exactly "re-scored at the instant a condition flips" without a
//! wake-up of the engine per flip. A rise pushes a new heap entry; the old one, with the lower
//! score, is skipped when it surfaces (lazy deletion), so no pop scans the queue.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use model::boosts::Boost;
use model::time::Instant;
use model::{ConversationId, InboxId, SkillId, TopicId};

/// What the boosts look at in a conversation that enters a queue.
pub struct Facts<'a> {
    pub inbox: InboxId,
    pub topics: &'a [TopicId],
    pub skill: Option<SkillId>,
    pub entered: Instant,
    pub due: Instant,
}

/// A conversation's score over its wait: `now` points on entering, and `(instant, points)` rises.
#[derive(Debug, Default)]
pub struct Score {
    pub now: u32,
    pub later: Vec<(Instant, u32)>,
}

impl Score {
    /// The score of `facts` under `boosts`: each boost whose fixed conditions hold counts from the
    /// latest instant at which one of its time conditions turns true (at once if it has none).
    pub fn of(boosts: &[Boost], facts: &Facts<'_>) -> Score {
        let mut score = Score::default();
        for boost in boosts {
            let w = &boost.when;
            if w.inbox.is_some_and(|i| i != facts.inbox)
                || w.topic.is_some_and(|t| !facts.topics.contains(&t))
                || w.skill.is_some_and(|s| Some(s) != facts.skill)
            {
                continue;
            }
            let from = [
                w.waited_longer_than
                    .map(|x| facts.entered.saturating_add(x)),
                w.overdue.then_some(facts.due),
                w.due_within.map(|x| facts.due.saturating_sub(x)),
            ]
            .into_iter()
            .flatten()
            .fold(facts.entered, Instant::max);
            let points = boost.size.points();
            if from == facts.entered {
                score.now += points;
            } else {
                score.later.push((from, points));
            }
        }
        score
    }
}

/// A heap entry: score, due date, arrival order, and whether the score may still rise (only such
/// entries can be stale).
type Entry = (u32, Reverse<Instant>, Reverse<u64>, ConversationId, bool);

/// A conversation whose score may still rise, while it waits.
#[derive(Debug)]
struct Rising {
    score: u32,
    due: Instant,
    conversation: ConversationId,
}

#[derive(Debug, Default)]
pub struct Queue {
    heap: BinaryHeap<Entry>,
    /// By arrival number; only the heap entry carrying the current score is live.
    rising: HashMap<u64, Rising>,
    /// Rises to come: (instant, arrival number, points); those of conversations already taken
    /// are dropped when they come up.
    rises: BinaryHeap<Reverse<(Instant, u64, u32)>>,
    seq: u64,
    /// Conversations waiting.
    waiting: usize,
}

impl Queue {
    pub fn push(&mut self, due: Instant, conversation: ConversationId, score: Score) {
        self.seq += 1;
        self.waiting += 1;
        let rises = !score.later.is_empty();
        if rises {
            let rising = Rising {
                score: score.now,
                due,
                conversation,
            };
            self.rising.insert(self.seq, rising);
            let seq = self.seq;
            self.rises
                .extend(score.later.into_iter().map(|(t, p)| Reverse((t, seq, p))));
        }
        let entry = (
            score.now,
            Reverse(due),
            Reverse(self.seq),
            conversation,
            rises,
        );
        self.heap.push(entry);
    }

    /// The conversation to serve next at `now`, left on the queue (an agent may not be free).
    pub fn peek(&mut self, now: Instant) -> Option<ConversationId> {
        self.rise_until(now);
        while let Some(&(score, _, Reverse(seq), conversation, rises)) = self.heap.peek() {
            if !rises || self.rising.get(&seq).is_some_and(|r| r.score == score) {
                return Some(conversation);
            }
            // An older, lower score of a conversation that has risen since.
            self.heap.pop();
        }
        None
    }

    /// The score and due date of the conversation to serve next at `now`: what an agent who
    /// serves several inboxes compares between their queues.
    pub fn head(&mut self, now: Instant) -> Option<(u32, Instant)> {
        self.peek(now)?;
        self.heap
            .peek()
            .map(|&(score, Reverse(due), ..)| (score, due))
    }

    /// The conversation to serve next at `now`, taken off the queue.
    pub fn pop(&mut self, now: Instant) -> Option<ConversationId> {
        let conversation = self.peek(now)?;
        let (_, _, Reverse(seq), _, rises) = self.heap.pop().expect("just peeked");
        if rises {
            self.rising.remove(&seq);
        }
        self.waiting -= 1;
        Some(conversation)
    }

    /// Whether no conversation waits (the heap may still hold stale entries).
    pub fn is_empty(&self) -> bool {
        self.waiting == 0
    }

    /// Applies every rise due at or before `now`. Scores only rise, so an entry whose score is
    /// not the current one is an older, lower one.
    fn rise_until(&mut self, now: Instant) {
        while let Some(&Reverse((t, seq, points))) = self.rises.peek()
            && t <= now
        {
            self.rises.pop();
            if let Some(r) = self.rising.get_mut(&seq) {
                r.score += points;
                let entry = (r.score, Reverse(r.due), Reverse(seq), r.conversation, true);
                self.heap.push(entry);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> Instant {
        Instant::from_millis(ms)
    }

    #[test]
    fn a_boosted_conversation_overtakes_at_the_instant_its_score_rises() {
        let mut q = Queue::default();
        let conv = ConversationId::new;
        q.push(at(100), conv(0), Score::default());
        let later = vec![(at(50), 3)];
        q.push(at(200), conv(1), Score { now: 0, later });
        q.push(at(150), conv(2), Score::default());
        assert_eq!(q.pop(at(49)), Some(conv(0)), "not risen yet: earliest due");
        assert_eq!(q.pop(at(50)), Some(conv(1)), "risen at 50");
        assert_eq!(q.pop(at(60)), Some(conv(2)));
        assert_eq!(q.pop(at(60)), None, "the stale entry of conv 1 is skipped");
    }
}
