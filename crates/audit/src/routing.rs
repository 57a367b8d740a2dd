//! What routing rules may do, judged from the records: a transfer lands in an inbox the scenario
//! has, a rule switched off never fires again, and a conversation a rule closed never reaches an
//! agent (DOMAIN.md: such conversations "never reach an agent").

use std::collections::BTreeSet;

use model::time::Instant;
use model::{ConversationId, InboxId, RuleId};

use super::{Invariant, Violation};

pub struct Routing {
    inboxes: usize,
    disabled: BTreeSet<RuleId>,
    /// Only the conversations rules closed: most runs have none.
    closed: BTreeSet<ConversationId>,
    found: Vec<Violation>,
}

impl Routing {
    pub fn new(inboxes: usize) -> Self {
        Routing {
            inboxes,
            disabled: BTreeSet::new(),
            closed: BTreeSet::new(),
            found: Vec::new(),
        }
    }

    fn breach(&mut self, invariant: Invariant, t: Instant, detail: String) {
        self.found.push(Violation {
            invariant,
            campaign: None,
            t,
            detail,
        });
    }

    pub fn transfer(&mut self, at: Instant, conversation: ConversationId, to: InboxId) {
        if to.index() >= self.inboxes {
            let detail = format!(
                "conversation {conversation} moved to inbox #{to}; the scenario has {} inboxes",
                self.inboxes
            );
            self.breach(Invariant::TransferTarget, at, detail);
        }
    }

    pub fn fired(&mut self, at: Instant, rule: RuleId) {
        if self.disabled.contains(&rule) {
            let detail = format!("rule #{rule} fired after it was switched off for looping");
            self.breach(Invariant::DisabledRule, at, detail);
        }
    }

    pub fn disabled(&mut self, rule: RuleId) {
        self.disabled.insert(rule);
    }

    pub fn closed(&mut self, conversation: ConversationId) {
        self.closed.insert(conversation);
    }

    /// An agent took or answered `conversation`.
    pub fn agent(&mut self, at: Instant, conversation: ConversationId) {
        if self.closed.contains(&conversation) {
            let detail =
                format!("conversation {conversation} was closed by a rule, yet an agent took it");
            self.breach(Invariant::ClosedByRule, at, detail);
        }
    }

    pub fn take_found(&mut self) -> Vec<Violation> {
        std::mem::take(&mut self.found)
    }
}
