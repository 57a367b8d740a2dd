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
//! score, is skipped when it surfaces (lazy deletion), so no pop scans the queue. Entries that
//! go after every one before them (an unboosted inbox's arrivals) wait in a deque beside the heap.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};

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
    /// Entries that go after every entry before them, in the order they go: without boosts a
    /// queue is first come first served (due dates follow arrivals), and a deque serves that
    /// without the heap's sifting. An entry that would go earlier, or whose score may rise,
    /// goes to the heap; the next conversation is the first of either.
    in_order: VecDeque<Entry>,
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
        if !rises && self.in_order.back().is_none_or(|last| entry < *last) {
            self.in_order.push_back(entry);
        } else {
            self.heap.push(entry);
        }
    }

    /// The conversation to serve next at `now`, left on the queue (an agent may not be free).
    pub fn peek(&mut self, now: Instant) -> Option<ConversationId> {
        self.first(now)
            .map(|(_, &(.., conversation, _))| conversation)
    }

    /// The score and due date of the conversation to serve next at `now`: what an agent who
    /// serves several inboxes compares between their queues.
    pub fn head(&mut self, now: Instant) -> Option<(u32, Instant)> {
        self.first(now)
            .map(|(_, &(score, Reverse(due), ..))| (score, due))
    }

    /// The conversation to serve next at `now`, taken off the queue.
    pub fn pop(&mut self, now: Instant) -> Option<ConversationId> {
        let (from_heap, &(.., conversation, _)) = self.first(now)?;
        let (_, _, Reverse(seq), _, rises) = if from_heap {
            self.heap.pop()
        } else {
            self.in_order.pop_front()
        }
        .expect("just looked at");
        if rises {
            self.rising.remove(&seq);
        }
        self.waiting -= 1;
        Some(conversation)
    }

    /// The entry to serve next at `now`, and whether it is the heap's (else the deque's).
    fn first(&mut self, now: Instant) -> Option<(bool, &Entry)> {
        self.rise_until(now);
        while let Some(&(score, _, Reverse(seq), _, rises)) = self.heap.peek() {
            if !rises || self.rising.get(&seq).is_some_and(|r| r.score == score) {
                break;
            }
            // An older, lower score of a conversation that has risen since.
            self.heap.pop();
        }
        match (self.heap.peek(), self.in_order.front()) {
            (Some(h), Some(o)) if o > h => Some((false, o)),
            (Some(h), _) => Some((true, h)),
            (None, o) => o.map(|o| (false, o)),
        }
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

    /// Pushes mostly in due order (a first-come-first-served run the deque takes), with earlier
    /// due dates, boosted scores and rising ones mixed in (the heap's), popped in between: the
    /// order is the rule's (highest score, earliest due, first come) every time.
    #[test]
    fn pops_go_by_score_due_and_arrival_whichever_side_holds_them() {
        let mut q = Queue::default();
        // (score, due, arrival, conversation) of those waiting; a rise is applied by hand.
        let mut waiting: Vec<(u32, u64, u64, usize)> = Vec::new();
        let mut state = 7u64;
        let mut next = |n: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let mut due = 1000;
        for i in 0..3000 {
            let now = 10 * i as u64;
            match next(10) {
                0..=5 => {
                    due += next(3) * 10;
                    let (due, score, later) = match next(8) {
                        0 => (due.saturating_sub(500), 0, vec![]),
                        1 => (due, 5, vec![]),
                        2 => (due, 0, vec![(at(now + 1), 2)]),
                        _ => (due, 0, vec![]),
                    };
                    let score_then = score + later.iter().map(|&(_, p)| p).sum::<u32>();
                    q.push(at(due), ConversationId::new(i), Score { now: score, later });
                    waiting.push((score_then, due, i as u64, i));
                }
                _ => {
                    // Rises are due 1 ms after their push: applied by any later pop.
                    waiting.sort_by_key(|&(score, due, arrival, _)| (Reverse(score), due, arrival));
                    let expected = (!waiting.is_empty()).then(|| waiting.remove(0).3);
                    let got = q.pop(at(now + 5)).map(ConversationId::index);
                    assert_eq!(got, expected, "pop {i}");
                }
            }
        }
    }
}
