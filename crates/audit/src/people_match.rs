//! People Match, judged from the records (DOMAIN.md "Replies and routing"): when an agent takes a
//! conversation, no conversation waiting in that inbox has a strictly higher score.
//!
//! Each waiting conversation's score is re-derived from the scenario's boosts as the user wrote
//! them: its inbox from its route, its topics and needed skill from the rules that fired for it,
//! the time it entered from the route's instant, and its due date from that instant plus the
//! SLA (the number's entry-point SLA when the customer wrote to a number and stayed in the inbox
//! that number routes to). Without boosts every score is 0 and nothing is kept.

use std::collections::BTreeMap;

use model::time::Instant;
use model::{ConversationId, Destination, InboxId, SkillId, TopicId};
use scenario::Scenario;

use super::{Invariant, Violation};

/// A conversation as the boosts see it.
#[derive(Default)]
struct Facts {
    topics: Vec<TopicId>,
    skill: Option<SkillId>,
    /// Where and when it entered a queue, and when it is due; `None` until it is routed.
    queued: Option<(InboxId, Instant, Instant)>,
}

pub struct PeopleMatch<'a> {
    scn: &'a Scenario,
    /// Where the message being handled was written to: its route comes right after it.
    written_to: Option<Destination>,
    /// Conversations the rules are working on or that wait for an agent.
    open: BTreeMap<ConversationId, Facts>,
    /// The topics and skill of conversations an agent took, for when they are reopened: only
    /// those that have any.
    kept: BTreeMap<ConversationId, (Vec<TopicId>, Option<SkillId>)>,
    /// The conversation just reopened: its last agent may take it back at once, whatever
    /// waits, so that assignment is not judged by score.
    reopened: Option<(ConversationId, Instant)>,
    found: Vec<Violation>,
}

impl<'a> PeopleMatch<'a> {
    pub fn new(scn: &'a Scenario) -> Self {
        PeopleMatch {
            scn,
            written_to: None,
            open: BTreeMap::new(),
            kept: BTreeMap::new(),
            reopened: None,
            found: Vec::new(),
        }
    }

    fn active(&self) -> bool {
        !self.scn.boosts.is_empty()
    }

    pub fn reply(&mut self, to: Destination) {
        self.written_to = Some(to);
    }

    pub fn fired(&mut self, rule: model::RuleId, conversation: ConversationId) {
        if !self.active() {
            return;
        }
        let then = &self.scn.rules[rule.index()].then;
        let facts = self.open.entry(conversation).or_default();
        if let Some(t) = then.add_topic.filter(|t| !facts.topics.contains(t)) {
            facts.topics.push(t);
        }
        facts.skill = then.needs_skill.or(facts.skill);
    }

    pub fn route(&mut self, at: Instant, conversation: ConversationId, inbox: InboxId) {
        if !self.active() {
            return;
        }
        let entry_sla = match self.written_to {
            Some(Destination::Number(n)) => {
                let number = &self.scn.numbers[n.index()];
                number.sla.filter(|_| number.inbox == inbox)
            }
            _ => None,
        };
        let sla = entry_sla.unwrap_or(self.scn.inboxes[inbox.index()].sla_within);
        let due = at.saturating_add(sla);
        self.open.entry(conversation).or_default().queued = Some((inbox, at, due));
    }

    /// The customer reopened it: it waits again with the topics and skill it had.
    pub fn reopen(&mut self, at: Instant, conversation: ConversationId, inbox: InboxId) {
        if !self.active() {
            return;
        }
        if let Some((topics, skill)) = self.kept.remove(&conversation) {
            let facts = self.open.entry(conversation).or_default();
            facts.topics = topics;
            facts.skill = skill;
        }
        self.route(at, conversation, inbox);
        self.reopened = Some((conversation, at));
    }

    /// A rule closed it: it never waits for an agent.
    pub fn closed(&mut self, conversation: ConversationId) {
        self.open.remove(&conversation);
    }

    /// An agent of `inbox` took `conversation` at `at`.
    pub fn assign(&mut self, at: Instant, conversation: ConversationId, inbox: InboxId) {
        if !self.active() {
            return;
        }
        let back_to_its_agent = self.reopened.take() == Some((conversation, at));
        let facts = self.open.remove(&conversation).unwrap_or_default();
        let taken = self.score(&facts, at);
        if !facts.topics.is_empty() || facts.skill.is_some() {
            self.kept.insert(conversation, (facts.topics, facts.skill));
        }
        if back_to_its_agent {
            return;
        }
        let higher = self
            .open
            .iter()
            .filter(|(_, f)| f.queued.is_some_and(|(i, _, _)| i == inbox))
            .map(|(&c, f)| (self.score(f, at), c))
            .max_by_key(|&(score, c)| (score, std::cmp::Reverse(c)));
        if let Some((score, other)) = higher.filter(|&(score, _)| score > taken) {
            self.found.push(Violation {
                invariant: Invariant::PeopleMatch,
                campaign: None,
                t: at,
                detail: format!(
                    "conversation {conversation} (score {taken}) was taken while conversation {other} waited with score {score}"
                ),
            });
        }
    }

    /// The sum of the sizes of the boosts whose every condition holds at `at`.
    fn score(&self, f: &Facts, at: Instant) -> u32 {
        let Some((inbox, entered, due)) = f.queued else {
            return 0;
        };
        self.scn
            .boosts
            .iter()
            .filter(|b| {
                let w = &b.when;
                w.inbox.is_none_or(|i| i == inbox)
                    && w.topic.is_none_or(|t| f.topics.contains(&t))
                    && w.skill.is_none_or(|s| f.skill == Some(s))
                    && w.waited_longer_than
                        .is_none_or(|x| at.saturating_since(entered) >= x)
                    && (!w.overdue || at >= due)
                    && w.due_within.is_none_or(|x| due.saturating_since(at) <= x)
            })
            .map(|b| b.size.points())
            .sum()
    }

    pub fn take_found(&mut self) -> Vec<Violation> {
        std::mem::take(&mut self.found)
    }
}
