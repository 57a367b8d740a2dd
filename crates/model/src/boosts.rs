//! People Match boosts as the scenario writes them (SPEC.md "Routing (scenario keys)"): plain
//! data shared by the engine, which orders each inbox's queue by them, and the auditor, which
//! re-derives the order from the records.

use crate::ids::{InboxId, SkillId, TopicId};
use crate::time::Span;

/// One boost: while every condition given holds, a waiting conversation's score rises by `size`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Boost {
    pub name: String,
    pub size: Size,
    pub when: BoostWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    Small,
    Medium,
    Large,
    VeryLarge,
}

impl Size {
    /// The points a boost of this size adds (DOMAIN.md: small 1, medium 3, large 5, very large 10).
    pub fn points(self) -> u32 {
        match self {
            Size::Small => 1,
            Size::Medium => 3,
            Size::Large => 5,
            Size::VeryLarge => 10,
        }
    }
}

/// The conditions of a boost; an absent one is not checked. The first three are fixed once the
/// conversation is routed; the last three only ever turn from false to true as time passes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BoostWhen {
    /// The inbox the conversation waits in.
    pub inbox: Option<InboxId>,
    /// A topic the rules gave the conversation.
    pub topic: Option<TopicId>,
    /// The skill the rules say the conversation needs.
    pub skill: Option<SkillId>,
    /// Holds from the instant the conversation entered the queue plus this.
    pub waited_longer_than: Option<Span>,
    /// Holds from the due date on.
    pub overdue: bool,
    /// Holds from the due date minus this on (overdue conversations included).
    pub due_within: Option<Span>,
}
