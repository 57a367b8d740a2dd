//! Opt-outs, replayed from what customers wrote, read with the auditor's own keyword lists
//! (DOMAIN.md), not from the opt-out records of the engine, so an engine deaf to "STOP" is caught
//! too. The state is the set of phones opted out now, under the scenario's scope.

use rustc_hash::FxHashSet;

use model::time::Instant;
use model::{CampaignId, Destination, NumberId, Phone, Scope};
use scenario::Scenario;

use super::{Invariant, Violation};

/// A message opts out (or back in) when it is exactly one of these words, in any case: "STOP
/// PLEASE" does neither. Written out again from DOMAIN.md on purpose, not taken from the engine:
/// a word the engine forgot must still count here.
const OPT_OUT: &[&str] = &[
    "STOP",
    "STOPALL",
    "UNSUBSCRIBE",
    "CANCEL",
    "END",
    "QUIT",
    "REVOKE",
    "OPTOUT",
];
const OPT_IN: &[&str] = &["START", "YES", "UNSTOP"];

/// Which sends an opt-out silences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Reach {
    /// Every number of the company.
    Company,
    /// Only the number the customer wrote to.
    Number(NumberId),
}

pub struct OptOuts<'a> {
    scn: &'a Scenario,
    blocked: FxHashSet<(Reach, Phone)>,
    found: Vec<Violation>,
}

impl<'a> OptOuts<'a> {
    pub fn new(scn: &'a Scenario) -> OptOuts<'a> {
        OptOuts {
            scn,
            blocked: FxHashSet::default(),
            found: Vec::new(),
        }
    }

    /// What a message to `to` silences under the scope; `None`: nothing a send could hit (a
    /// message straight into an inbox names no number to block).
    fn reach(&self, to: Destination) -> Option<Reach> {
        match (self.scn.limits.opt_out_scope, to) {
            (Scope::Company, _) => Some(Reach::Company),
            (Scope::SenderNumber, Destination::Number(n)) => Some(Reach::Number(n)),
            (Scope::SenderNumber, Destination::Inbox(_)) => None,
        }
    }

    /// A first reply from `phone` to campaign `c`, its words being the campaign's reply `body`.
    pub fn reply(&mut self, c: CampaignId, phone: Phone, to: Destination, body: u32) {
        let replies = &self.scn.campaigns[c.index()].customers.replies;
        let Some((text, _)) = usize::try_from(body).ok().and_then(|b| replies.get(b)) else {
            return;
        };
        let Some(reach) = self.reach(to) else {
            return;
        };
        let said = |words: &[&str]| words.iter().any(|k| k.eq_ignore_ascii_case(text.trim()));
        if said(OPT_OUT) {
            self.blocked.insert((reach, phone));
        } else if said(OPT_IN) {
            self.blocked.remove(&(reach, phone));
        }
    }

    /// A send of campaign `c` from `number` to `phone` at `t`.
    pub fn send(&mut self, t: Instant, c: CampaignId, phone: Phone, number: NumberId) {
        let reach = match self.scn.limits.opt_out_scope {
            Scope::Company => Reach::Company,
            Scope::SenderNumber => Reach::Number(number),
        };
        if self.blocked.contains(&(reach, phone)) {
            self.found.push(Violation {
                invariant: Invariant::OptedOut,
                campaign: Some(c),
                t,
                detail: format!("sent to {phone}, who had replied an opt-out keyword"),
            });
        }
    }

    pub fn take_found(&mut self) -> Vec<Violation> {
        std::mem::take(&mut self.found)
    }
}
