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

#[derive(Debug, Clone)]
pub struct Registry {
    scope: Scope,
    /// (sender number, or `None` for the whole company, phone); only looked up, never iterated.
    blocked: FxHashSet<(Option<NumberId>, Phone)>,
    /// One bit per hash of a phone, set when the phone opts out and never cleared: nearly every
    /// send goes to a phone that never did, and one clear bit says so where a look-up in
    /// `blocked` hashes a key and probes (3 % of a large run's time). 512 bytes to start with,
    /// which stay in the nearest cache (8 KB left it too often to gain anything); doubled
    /// whenever the phones opted out pass a sixteenth of its bits, so that a run with tens of
    /// thousands of them still rules most phones out (a table of fixed size filled up, and
    /// every send of such a run went on to `blocked`).
    maybe: Vec<u64>,
    /// log2 of the bits in `maybe`.
    maybe_bits: u32,
}

/// [`Registry::maybe`]'s first size, in log2 of its bits: 512 bytes.
const MAYBE_BITS: u32 = 12;

/// Which bit of a table of 2^`bits` bits stands for `phone` (word, bit): Fibonacci hashing,
/// which spreads consecutive listed numbers as well as made-up ones.
fn maybe_bit(phone: Phone, bits: u32) -> (usize, u64) {
    let h = phone.0.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits);
    ((h / 64) as usize, 1 << (h % 64))
}

impl Registry {
    pub fn new(scope: Scope) -> Self {
        Registry {
            scope,
            blocked: FxHashSet::default(),
            maybe: vec![0; 1 << (MAYBE_BITS - 6)],
            maybe_bits: MAYBE_BITS,
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
        if self.blocked.len() << 4 > 1 << self.maybe_bits {
            self.maybe_bits += 1;
            self.maybe = vec![0; 1 << (self.maybe_bits - 6)];
            // The phones still blocked get their bits: a look-up must not miss them (phones
            // opted back in need none).
            for &(_, phone) in &self.blocked {
                let (word, bit) = maybe_bit(phone, self.maybe_bits);
                self.maybe[word] |= bit;
            }
        }
        let (word, bit) = maybe_bit(phone, self.maybe_bits);
        self.maybe[word] |= bit;
    }

    pub fn opt_in(&mut self, number: NumberId, phone: Phone) {
        let key = self.key(number, phone);
        self.blocked.remove(&key);
    }

    pub fn is_opted_out(&self, number: NumberId, phone: Phone) -> bool {
        let (word, bit) = maybe_bit(phone, self.maybe_bits);
        self.maybe[word] & bit != 0 && self.blocked.contains(&self.key(number, phone))
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

    /// How many of `phones` the bits alone rule out.
    fn ruled_out(r: &Registry, phones: &[Phone]) -> usize {
        (phones.iter())
            .filter(|&&p| {
                let (word, bit) = maybe_bit(p, r.maybe_bits);
                r.maybe[word] & bit == 0
            })
            .count()
    }

    /// The bits that rule phones out quickly must never rule out one that opted out, even
    /// where many phones share a bit, nor keep one blocked after it opted back in.
    #[test]
    fn the_quick_bits_only_ever_send_a_lookup_on() {
        let mut r = Registry::new(Scope::Company);
        let number = NumberId::new(0);
        // Consecutive listed numbers and made-up ones, more of them than there are bits.
        let phones: Vec<Phone> = (0..40_000u64)
            .map(|i| Phone(15_550_000_000 + i))
            .chain(
                (0..40_000u64)
                    .map(|i| Phone(Phone::GENERATED | i.wrapping_mul(0x5851_f42d_4c95_7f2d) >> 4)),
            )
            .collect();
        for (i, &p) in phones.iter().enumerate() {
            if i % 3 == 0 {
                r.opt_out(number, p);
            }
        }
        for (i, &p) in phones.iter().enumerate() {
            assert_eq!(r.is_opted_out(number, p), i % 3 == 0, "{p}");
        }
        for (i, &p) in phones.iter().enumerate() {
            if i % 6 == 0 {
                r.opt_in(number, p);
            }
        }
        for (i, &p) in phones.iter().enumerate() {
            assert_eq!(r.is_opted_out(number, p), i % 3 == 0 && i % 6 != 0, "{p}");
        }
        // Tens of thousands of opt-outs: the bits still rule out most phones that never opted
        // out (a table of 512 bytes would be full, and rule out none).
        let never: Vec<Phone> = (phones.iter().enumerate())
            .filter(|(i, _)| i % 3 != 0)
            .map(|(_, &p)| p)
            .collect();
        let out = ruled_out(&r, &never);
        assert!(
            out * 10 >= never.len() * 9,
            "{out} of {} ruled out",
            never.len()
        );
        // With a run's few opt-outs, the bits alone rule out nearly every other phone, listed
        // numbers in a row as well as made-up ones.
        let mut few = Registry::new(Scope::Company);
        for &p in phones.iter().step_by(4000) {
            few.opt_out(number, p);
        }
        let out = ruled_out(&few, &phones);
        assert!(out * 100 >= phones.len() * 99, "{out} ruled out");
    }
}
