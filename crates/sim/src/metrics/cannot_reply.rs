//! Opted-out customers still write, and their messages still reach agents, who cannot answer
//! them by SMS (DOMAIN.md "Opt-out and opt-in"). This keeps who is silenced, under the scenario's
//! scope, from the opt-out and opt-in records.

use rustc_hash::FxHashSet;

use model::{NumberId, Phone, Scope, Source};
use scenario::Scenario;

#[derive(Debug, Clone)]
pub struct Silenced {
    scope: Scope,
    /// Each campaign's sending number: the number its replies were written to.
    campaign_number: Vec<NumberId>,
    /// Silenced phones; with the sender-number scope, paired with the number that may not text.
    /// Only looked up, never iterated; hashed rather than ordered, as a large run silences tens
    /// of thousands of phones and looks one up for every message that reaches an agent.
    phones: FxHashSet<(Phone, Option<NumberId>)>,
}

impl Silenced {
    pub fn new(scn: &Scenario) -> Self {
        Silenced {
            scope: scn.limits.opt_out_scope,
            campaign_number: scn.campaigns.iter().map(|c| c.number).collect(),
            phones: FxHashSet::default(),
        }
    }

    fn key(&self, phone: Phone, number: NumberId) -> (Phone, Option<NumberId>) {
        match self.scope {
            Scope::Company => (phone, None),
            Scope::SenderNumber => (phone, Some(number)),
        }
    }

    pub fn opt_out(&mut self, phone: Phone, number: NumberId) {
        let key = self.key(phone, number);
        self.phones.insert(key);
    }

    pub fn opt_in(&mut self, phone: Phone, number: NumberId) {
        let key = self.key(phone, number);
        self.phones.remove(&key);
    }

    /// Whether an agent may not answer `phone` by SMS in a conversation from `source`. Background
    /// traffic names no number: only a company-wide opt-out silences it.
    pub fn cannot_reply(&self, phone: Phone, source: Source) -> bool {
        if self.phones.is_empty() {
            return false;
        }
        match (self.scope, source.campaign()) {
            (Scope::Company, _) => self.phones.contains(&(phone, None)),
            (Scope::SenderNumber, Some(c)) => self
                .phones
                .contains(&(phone, Some(self.campaign_number[c.index()]))),
            (Scope::SenderNumber, None) => false,
        }
    }
}
