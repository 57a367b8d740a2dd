//! Typed indices: a campaign's number cannot be passed where an inbox is meant, and no id is
//! ever converted into another with a cast.

use std::fmt;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(u32);

        impl $name {
            /// The first item of its kind.
            pub const FIRST: Self = Self(0);

            /// The id of the `index`-th item of its kind (scenario order). The largest `u32` is
            /// never an id: record hashes write an absent column as that value.
            pub fn new(index: usize) -> Self {
                match u32::try_from(index) {
                    Ok(i) if i < u32::MAX => Self(i),
                    _ => panic!(concat!("fewer than 2^32 - 1 of ", stringify!($name))),
                }
            }

            /// Its position in scenario order, for indexing a `Vec`.
            pub const fn index(self) -> usize {
                self.0 as usize
            }

            pub const fn get(self) -> u32 {
                self.0
            }

            /// Every id of this kind for `count` items, in order.
            pub fn all(count: usize) -> impl Iterator<Item = Self> {
                (0..count).map(Self::new)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id!(
    /// A shift group of the company: the `[[inboxes.shifts]]` groups, inbox after inbox, in
    /// file order.
    ShiftId
);
id!(
    /// A campaign, in scenario order.
    CampaignId
);
id!(
    /// An outreach, in its campaign's order.
    OutreachId
);
id!(
    /// A row of an outreach's recipient list, in list order.
    Row
);
id!(
    /// One of the company's sending numbers, in scenario order.
    NumberId
);
id!(
    /// An inbox, in scenario order.
    InboxId
);
id!(
    /// An agent of the company, numbered inbox after inbox and, within an inbox, shift group
    /// after shift group (see [`crate::staff::Staff`]).
    AgentId
);
id!(
    /// A conversation, in the order conversations were opened during the run.
    ConversationId
);
id!(
    /// A customer writing in (one per thread of messages), numbered by whoever drives the
    /// engine; the engine only echoes it back.
    CustomerId
);

id!(
    /// A routing rule, in scenario (sort) order.
    RuleId
);
id!(
    /// A conversation topic, in the order the scenario's rules first name it.
    TopicId
);
id!(
    /// An agent skill a conversation may need, in the order the scenario's rules first name it.
    SkillId
);

/// A time zone of the scenario, in the order it first names them (the company's first). Two
/// bytes, as every recipient row carries one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ZoneId(u16);

impl ZoneId {
    pub fn new(index: usize) -> Self {
        Self(u16::try_from(index).expect("fewer than 2^16 time zones"))
    }

    pub const fn index(self) -> usize {
        self.0 as usize
    }
}

/// One recipient row of one outreach of one campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecipientRef {
    pub campaign: CampaignId,
    pub outreach: OutreachId,
    pub row: Row,
}

/// Who a customer message, and the conversation it opens, comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// A recipient answering that campaign's SMS.
    Campaign(CampaignId),
    /// Inbound traffic that no campaign caused.
    Background,
}

impl Source {
    pub fn campaign(self) -> Option<CampaignId> {
        match self {
            Source::Campaign(c) => Some(c),
            Source::Background => None,
        }
    }
}

/// Where an inbound message was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Destination {
    /// An SMS to one of the company's numbers.
    Number(NumberId),
    /// Inbound traffic from other channels, straight into an inbox.
    Inbox(InboxId),
}
