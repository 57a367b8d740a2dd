//! Opt-out keywords and the company's opt-out registry.

use rustc_hash::FxHashSet;

use model::{NumberId, Phone, Scope};

/// What a one-word inbound message asks of the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    OptOut,
    OptIn,
    Help,
}

const OPT_OUT: [&str; 8] = [
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "REVOKE",
    "OPTOUT",
];
const OPT_IN: [&str; 3] = ["START", "YES", "UNSTOP"];
const HELP: [&str; 2] = ["HELP", "INFO"];

/// A keyword only when the whole message is that one word, in any case ("STOP PLEASE" is not).
pub fn classify(body: &str) -> Option<Keyword> {
    let word = body.trim();
    let is = |list: &[&str]| list.iter().any(|k| k.eq_ignore_ascii_case(word));
    if is(&OPT_OUT) {
        Some(Keyword::OptOut)
    } else if is(&OPT_IN) {
        Some(Keyword::OptIn)
    } else if is(&HELP) {
        Some(Keyword::Help)
    } else {
        None
    }
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    scope: Scope,
    /// (sender number, or `None` for the whole company, phone); only looked up, never iterated.
    blocked: FxHashSet<(Option<NumberId>, Phone)>,
}

impl Registry {
    pub fn new(scope: Scope) -> Self {
        Registry {
            scope,
            blocked: FxHashSet::default(),
        }
    }

    fn key(&self, number: NumberId, phone: Phone) -> (Option<NumberId>, Phone) {
        match self.scope {
            Scope::Company => (None, phone),
            Scope::SenderNumber => (Some(number), phone),
        }
    }

    pub fn opt_out(&mut self, number: NumberId, phone: Phone) {
        let key = self.key(number, phone);
        self.blocked.insert(key);
    }

    pub fn opt_in(&mut self, number: NumberId, phone: Phone) {
        let key = self.key(number, phone);
        self.blocked.remove(&key);
    }

    pub fn is_opted_out(&self, number: NumberId, phone: Phone) -> bool {
        !self.blocked.is_empty() && self.blocked.contains(&self.key(number, phone))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_lone_keyword_counts_in_any_case() {
        assert_eq!(classify("stop"), Some(Keyword::OptOut));
        assert_eq!(classify(" Unsubscribe "), Some(Keyword::OptOut));
        assert_eq!(classify("STOP PLEASE"), None);
        assert_eq!(classify("start"), Some(Keyword::OptIn));
        assert_eq!(classify("Where is my order?"), None);
    }

    #[test]
    fn sender_number_scope_blocks_only_that_number() {
        let mut r = Registry::new(Scope::SenderNumber);
        r.opt_out(NumberId::new(1), Phone(7));
        assert!(r.is_opted_out(NumberId::new(1), Phone(7)));
        assert!(!r.is_opted_out(NumberId::new(2), Phone(7)));
        let mut c = Registry::new(Scope::Company);
        c.opt_out(NumberId::new(1), Phone(7));
        assert!(c.is_opted_out(NumberId::new(2), Phone(7)));
        c.opt_in(NumberId::new(2), Phone(7));
        assert!(!c.is_opted_out(NumberId::new(1), Phone(7)));
    }
}
