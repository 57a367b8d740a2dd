//! Routing rules as the scenario writes them (SPEC.md "Routing (scenario keys)"): plain data
//! shared by the engine, which runs them, and the auditor, which re-derives what they may do.

use crate::ids::{CampaignId, InboxId, NumberId, SkillId, TopicId};

/// One rule: when every condition given holds, every action given runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub name: String,
    pub when: When,
    pub then: Then,
}

/// The conditions of a rule; an absent (or empty) one is not checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct When {
    /// A case-insensitive substring of the message body.
    pub body_contains: Option<String>,
    /// Any of these as a whole word of the body, in any case.
    pub body_words: Vec<String>,
    /// A pattern (regex crate syntax) the body matches; checked to compile when read.
    pub body_regex: Option<String>,
    /// The conversation's current inbox.
    pub inbox: Option<InboxId>,
    /// The company number the customer wrote to.
    pub number: Option<NumberId>,
    /// A topic the conversation already has.
    pub topic: Option<TopicId>,
    /// The campaign the message answers.
    pub campaign: Option<CampaignId>,
}

/// The actions of a rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Then {
    pub move_to_inbox: Option<InboxId>,
    pub add_topic: Option<TopicId>,
    pub needs_skill: Option<SkillId>,
    /// Text the platform answers with at once (an SMS that counts toward no send limit).
    pub auto_reply: Option<String>,
    /// The conversation is done without an agent (an acknowledgement, a "thanks").
    pub no_reply_needed: bool,
    pub close: bool,
}

impl Then {
    /// Whether the conversation never reaches an agent.
    pub fn ends_conversation(&self) -> bool {
        self.no_reply_needed || self.close
    }
}

/// Matches that bring a rule back on its own result this many times switch it off for the rest
/// of the run, as the platform does.
pub const MAX_LOOPS: u32 = 10;
