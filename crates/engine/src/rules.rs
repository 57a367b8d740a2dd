//! Routing rules (DOMAIN.md "Replies and routing"): run on each message that opens a
//! conversation, before routing gives it to an agent.
//!
//! A message goes through rounds: every enabled rule is checked against the conversation as it
//! stands, then the actions of those that matched run in file order. If that changed where the
//! conversation is or what it is about (inbox, topics, needed skill), another round runs. A rule
//! that matches again in a later round and would change the conversation again has looped on its
//! own result; at [`MAX_LOOPS`] loops it is switched off for the rest of the run.

use regex::Regex;

use crate::Action;
use model::rules::{MAX_LOOPS, Rule};
use model::{CampaignId, ConversationId, CustomerId, InboxId, NumberId, RuleId, SkillId, TopicId};

/// What a rule may look at besides the conversation: the message itself.
pub struct Message<'a> {
    pub body: &'a str,
    pub number: Option<NumberId>,
    pub campaign: Option<CampaignId>,
    pub conversation: ConversationId,
    pub customer: CustomerId,
}

/// Where a conversation stands while the rules run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    pub inbox: InboxId,
    pub topics: Vec<TopicId>,
    /// The skill a rule asked for: kept on the conversation, so agents of shift groups with it
    /// are preferred when it is assigned.
    pub skill: Option<SkillId>,
    /// A rule closed it or marked it "no reply needed".
    pub ends: bool,
}

impl Routing {
    pub fn entering(inbox: InboxId) -> Self {
        Routing {
            inbox,
            topics: Vec::new(),
            skill: None,
            ends: false,
        }
    }

    /// The part later rounds look at: a round that leaves it as it was is the last.
    fn key(&self) -> (InboxId, &[TopicId], Option<SkillId>) {
        (self.inbox, &self.topics, self.skill)
    }
}

struct Compiled {
    rule: Rule,
    regex: Option<Regex>,
    /// `body_words`, each lowercased and split into its words (a phrase is several).
    words: Vec<Vec<String>>,
    contains: Option<String>,
    loops: u32,
    enabled: bool,
}

pub struct Rules {
    rules: Vec<Compiled>,
}

/// The words of `text`, lowercased: runs of letters and digits.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

impl Rules {
    /// The scenario's rules; each `body_regex` was checked to compile when the file was read.
    pub fn new(rules: &[Rule]) -> Self {
        let rules = rules
            .iter()
            .map(|rule| Compiled {
                regex: rule.when.body_regex.as_deref().map(|p| {
                    Regex::new(p).expect("the scenario reader checks every body_regex compiles")
                }),
                words: rule.when.body_words.iter().map(|w| words(w)).collect(),
                contains: rule.when.body_contains.as_deref().map(str::to_lowercase),
                rule: rule.clone(),
                loops: 0,
                enabled: true,
            })
            .collect();
        Rules { rules }
    }

    /// Runs the rules on a message that opens a conversation, changing `routing` and saying
    /// what happened in `out`.
    pub fn run(&mut self, msg: &Message<'_>, routing: &mut Routing, out: &mut Vec<Action>) {
        if self.rules.is_empty() {
            return;
        }
        let body_lower = msg.body.to_lowercase();
        let body_words = words(msg.body);
        let mut fired = vec![false; self.rules.len()];
        let mut replied = false;
        loop {
            let matched: Vec<usize> = (0..self.rules.len())
                .filter(|&r| {
                    let c = &self.rules[r];
                    c.enabled
                        && c.matches(msg, &body_lower, &body_words, routing)
                        && (!fired[r] || c.would_change(routing))
                })
                .collect();
            if matched.is_empty() {
                return;
            }
            let before = routing.clone();
            for r in matched {
                let rule = RuleId::new(r);
                let c = &mut self.rules[r];
                if fired[r] {
                    c.loops += 1;
                    if c.loops >= MAX_LOOPS {
                        c.enabled = false;
                        out.push(Action::RuleDisabled { rule });
                        continue;
                    }
                }
                fired[r] = true;
                out.push(Action::RuleFired {
                    rule,
                    conversation: msg.conversation,
                });
                c.act(msg, routing, &mut replied, out);
            }
            if routing.ends || routing.key() == before.key() {
                return;
            }
        }
    }
}

impl Compiled {
    fn matches(
        &self,
        msg: &Message<'_>,
        body_lower: &str,
        body_words: &[String],
        routing: &Routing,
    ) -> bool {
        let w = &self.rule.when;
        self.contains
            .as_deref()
            .is_none_or(|t| body_lower.contains(t))
            && (self.words.is_empty()
                || self.words.iter().any(|phrase| {
                    body_words
                        .windows(phrase.len())
                        .any(|window| window == phrase.as_slice())
                }))
            && self.regex.as_ref().is_none_or(|re| re.is_match(msg.body))
            && w.inbox.is_none_or(|i| i == routing.inbox)
            && w.number.is_none_or(|n| Some(n) == msg.number)
            && w.topic.is_none_or(|t| routing.topics.contains(&t))
            && w.campaign.is_none_or(|c| Some(c) == msg.campaign)
    }

    /// Whether running the rule again would move, tag or mark the conversation anew: only then
    /// is a second match in one message a loop rather than a rule that already did its work.
    fn would_change(&self, routing: &Routing) -> bool {
        let t = &self.rule.then;
        t.move_to_inbox.is_some_and(|i| i != routing.inbox)
            || t.add_topic
                .is_some_and(|topic| !routing.topics.contains(&topic))
            || t.needs_skill.is_some_and(|s| Some(s) != routing.skill)
    }

    fn act(
        &self,
        msg: &Message<'_>,
        routing: &mut Routing,
        replied: &mut bool,
        out: &mut Vec<Action>,
    ) {
        let t = &self.rule.then;
        if let Some(to) = t.move_to_inbox.filter(|&i| i != routing.inbox) {
            out.push(Action::Transfer {
                conversation: msg.conversation,
                from: routing.inbox,
                to,
            });
            routing.inbox = to;
        }
        if let Some(topic) = t.add_topic.filter(|t| !routing.topics.contains(t)) {
            routing.topics.push(topic);
        }
        if let Some(skill) = t.needs_skill {
            routing.skill = Some(skill);
        }
        // The platform answers once per message, with the first matching rule's text.
        if t.auto_reply.is_some() && !*replied {
            *replied = true;
            out.push(Action::AutoReply {
                conversation: msg.conversation,
                customer: msg.customer,
            });
        }
        routing.ends |= t.ends_conversation();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::rules::{Then, When};

    fn rule(name: &str, when: When, then: Then) -> Rule {
        Rule {
            name: name.into(),
            when,
            then,
        }
    }

    fn message(body: &str) -> Message<'_> {
        Message {
            body,
            number: None,
            campaign: None,
            conversation: ConversationId::new(0),
            customer: CustomerId::new(0),
        }
    }

    #[test]
    fn a_ping_pong_pair_is_switched_off_after_ten_loops() {
        let (x, y) = (InboxId::new(0), InboxId::new(1));
        let hop = |name, from, to| {
            rule(
                name,
                When {
                    inbox: Some(from),
                    ..When::default()
                },
                Then {
                    move_to_inbox: Some(to),
                    ..Then::default()
                },
            )
        };
        let mut rules = Rules::new(&[hop("A", x, y), hop("B", y, x)]);
        let mut routing = Routing::entering(x);
        let mut out = Vec::new();
        rules.run(&message("hi"), &mut routing, &mut out);
        let fired = |r| {
            out.iter()
                .filter(|a| matches!(a, Action::RuleFired { rule, .. } if *rule == RuleId::new(r)))
                .count()
        };
        assert_eq!((fired(0), fired(1)), (10, 10));
        assert_eq!(
            out.last(),
            Some(&Action::RuleDisabled {
                rule: RuleId::new(0)
            })
        );
        assert_eq!(routing.inbox, x);
    }

    #[test]
    fn body_words_match_whole_words_in_any_case() {
        let orders = rule(
            "Orders",
            When {
                body_words: vec!["order".into()],
                ..When::default()
            },
            Then {
                close: true,
                ..Then::default()
            },
        );
        let mut rules = Rules::new(&[orders]);
        for (body, closes) in [
            ("Where is my ORDER?", true),
            ("I want to reorder", false),
            ("order", true),
        ] {
            let mut routing = Routing::entering(InboxId::new(0));
            rules.run(&message(body), &mut routing, &mut Vec::new());
            assert_eq!(routing.ends, closes, "{body}");
        }
    }
}
