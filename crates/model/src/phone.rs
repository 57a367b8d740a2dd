//! Customers' phone numbers and recipient rows.

use std::sync::Arc;

use crate::ZoneId;

/// A customer's phone number. Numbers from files keep their digits; generated ones have bit 60 set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Phone(pub u64);

impl Phone {
    pub const GENERATED: u64 = 1 << 60;
}

impl std::fmt::Display for Phone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 & Phone::GENERATED != 0 {
            write!(f, "sim-{:015x}", self.0 & (Phone::GENERATED - 1))
        } else {
            write!(f, "+{}", self.0)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recipient {
    pub phone: Phone,
    /// The recipient's time zone (the scenario's `zones`).
    pub zone: ZoneId,
}

/// Who one outreach texts, in list order. Shared, not copied: a list depends on the scenario
/// alone, so every run of a scenario, and the auditor judging it, read the same one.
pub type List = Arc<[Recipient]>;

/// Who each outreach texts, `lists[campaign][outreach][row]`.
pub type Lists = Vec<Vec<List>>;
