//! Which SLA a conversation is held to: its inbox's, or the entry-point SLA of the number its
//! campaign sends from. The metrics and the timeline both judge waits by it, so the summary's
//! attainment and the chart's per-interval attainment answer by one rule.

use model::time::Span;
use model::{InboxId, Source};
use scenario::Scenario;

#[derive(Debug, Clone, Default)]
pub struct Slas {
    /// Each inbox's `within`.
    inbox: Vec<Span>,
    /// The entry-point SLA each campaign's replies get, with the inbox it applies in.
    campaign: Vec<Option<(InboxId, Span)>>,
}

impl Slas {
    pub fn new(scn: &Scenario) -> Self {
        Slas {
            inbox: scn.inboxes.iter().map(|i| i.sla_within).collect(),
            campaign: scn
                .campaigns
                .iter()
                .map(|c| {
                    let number = &scn.numbers[c.number.index()];
                    number.sla.map(|sla| (number.inbox, sla))
                })
                .collect(),
        }
    }

    /// The SLA of a conversation from `source` routed to `inbox`. Campaign replies come in by
    /// the campaign's number; its entry-point SLA holds in the inbox it routes to, and a rule
    /// that moved the conversation elsewhere drops it.
    pub fn of(&self, source: Source, inbox: InboxId) -> Span {
        source
            .campaign()
            .and_then(|c| self.campaign[c.index()])
            .filter(|&(entry, _)| entry == inbox)
            .map_or(self.inbox[inbox.index()], |(_, sla)| sla)
    }
}
