//! A run in independent parts, simulated at once. Campaigns and inboxes that can never touch
//! each other's state (no shared number, inbox, agent, phone or rule) form separate parts; each
//! part is simulated by a driver of its own, on its own core, and the parts' measurements are
//! put back together. A part does exactly what the same campaigns and inboxes do in one whole
//! run: its draws are keyed by entity, not by order, and nothing outside it reaches it. So the
//! outcome is the whole run's, byte for byte, with any number of threads (tested).
//!
//! Only the outcome: the records of different parts at one instant have no order between them,
//! so a run whose records are watched (a trace, an audit, a size search) is simulated whole.
//!
//! Made-up phones are taken to be distinct people, as the shared-phone count takes them. A
//! made-up list never repeats one ([`model::Phone::made_up`]); two lists share one only where
//! their keys fall within a list's length of each other (for the 200 lists of 20,000 of the
//! peers' big scenario, about once in a billion scenarios), and a background customer's 60 random
//! bits could meet a recipient's. A whole run would then carry an opt-out from one to the other
//! where parts would not.

use std::sync::atomic::{AtomicU64, Ordering};

use engine::Limiter;
use model::time::Instant;
use model::{CampaignId, InboxId};
use rayon::prelude::*;
use scenario::Scenario;

use crate::population::{self, Population};
use crate::{Options, Outcome, Run, run_with_progress_on};

/// Which campaigns and inboxes one part holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub campaigns: Vec<bool>,
    pub inboxes: Vec<bool>,
}

impl Part {
    /// The whole scenario as one part.
    pub fn whole(scn: &Scenario) -> Part {
        Part {
            campaigns: vec![true; scn.campaigns.len()],
            inboxes: vec![true; scn.inboxes.len()],
        }
    }
}

/// The independent parts of a scenario, in the order of their first campaign (parts without a
/// campaign, an inbox of background traffic alone, after them).
pub fn parts(scn: &Scenario, population: &Population) -> Vec<Part> {
    let (campaigns, inboxes) = (scn.campaigns.len(), scn.inboxes.len());
    // Couplings not worth tracing finer, as they are rare in large scenarios: rules keep counts
    // across every conversation they see, a phone on two lists carries opt-outs from one to the
    // other, and without a horizon background traffic lasts until every campaign is over.
    let background = scn
        .inboxes
        .iter()
        .any(|i| i.background_per_hour.iter().any(|&rate| rate > 0.0));
    if !scn.rules.is_empty() || population.shared_phones > 0 || (background && scn.until.is_none())
    {
        return vec![Part::whole(scn)];
    }
    // Nodes: campaigns, then inboxes, then numbers.
    let inbox = |i: InboxId| campaigns + i.index();
    let number = |n: usize| campaigns + inboxes + n;
    let mut sets = Sets::new(campaigns + inboxes + scn.numbers.len());
    for (c, campaign) in scn.campaigns.iter().enumerate() {
        sets.join(c, number(campaign.number.index()));
    }
    for (n, entry) in scn.numbers.iter().enumerate() {
        sets.join(number(n), inbox(entry.inbox));
    }
    for group in scn.staff().groups {
        for &served in &group.serves {
            sets.join(inbox(group.home), inbox(served));
        }
    }
    let mut roots: Vec<usize> = Vec::new();
    let mut of_node = |node: usize, sets: &mut Sets| {
        let root = sets.root(node);
        match roots.iter().position(|&r| r == root) {
            Some(p) => p,
            None => {
                roots.push(root);
                roots.len() - 1
            }
        }
    };
    let campaign_part: Vec<usize> = (0..campaigns).map(|c| of_node(c, &mut sets)).collect();
    let inbox_part: Vec<usize> = (0..inboxes)
        .map(|i| of_node(inbox(InboxId::new(i)), &mut sets))
        .collect();
    (0..roots.len())
        .map(|p| Part {
            campaigns: campaign_part.iter().map(|&q| q == p).collect(),
            inboxes: inbox_part.iter().map(|&q| q == p).collect(),
        })
        .collect()
}

/// Disjoint sets of nodes (union by size, path halving).
struct Sets {
    parent: Vec<usize>,
    size: Vec<usize>,
}

impl Sets {
    fn new(n: usize) -> Self {
        Sets {
            parent: (0..n).collect(),
            size: vec![1; n],
        }
    }

    fn root(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn join(&mut self, a: usize, b: usize) {
        let (mut a, mut b) = (self.root(a), self.root(b));
        if a == b {
            return;
        }
        if self.size[a] < self.size[b] {
            std::mem::swap(&mut a, &mut b);
        }
        self.parent[b] = a;
        self.size[a] += self.size[b];
    }
}

/// Like [`crate::run_with_progress`] with nobody watching the records: the scenario's
/// independent parts are simulated at once (on rayon's threads), and `progress` hears the
/// virtual time the parts have reached on average (with more parts than threads, the slowest
/// has often not begun).
pub fn run_in_parts(
    scn: &Scenario,
    opts: &Options,
    progress: &(dyn Fn(Instant) + Sync),
) -> Outcome {
    let population = population::build(scn);
    let parts = parts(scn, &population);
    if parts.len() == 1 {
        return run_with_progress_on(scn, &population, opts, (), &mut |t| progress(t)).0;
    }
    let reached: Vec<AtomicU64> = parts.iter().map(|_| AtomicU64::new(0)).collect();
    let report = |p: usize, t: Instant| {
        reached[p].store(t.as_millis(), Ordering::Relaxed);
        let sum: u64 = reached.iter().map(|r| r.load(Ordering::Relaxed)).sum();
        progress(Instant::from_millis(sum / reached.len() as u64));
    };
    let mut runs: Vec<Run<'_, ()>> = parts
        .par_iter()
        .map(|part| Run::of_part(scn, &population, opts, (), Limiter::new, part, None))
        .collect();
    // Every part runs until it has nothing left; the run ends when the last part does (or at
    // the horizon), and every part counts its unreached at that end, as a whole run would.
    let ends: Vec<Instant> = runs
        .par_iter_mut()
        .enumerate()
        .map(|(p, run)| {
            let end = run.run_until_end(&mut |t| report(p, t));
            report(p, end);
            end
        })
        .collect();
    let end = ends.into_iter().max().expect("at least two parts");
    let outcomes: Vec<Outcome> = runs
        .into_par_iter()
        .map(|run| run.finish_at(end).0)
        .collect();
    put_together(outcomes, &parts)
}

/// One outcome from the parts' own: each campaign's and each inbox's figures from its part.
fn put_together(mut outcomes: Vec<Outcome>, parts: &[Part]) -> Outcome {
    let owner = |owned: &dyn Fn(&Part) -> bool| {
        parts
            .iter()
            .position(owned)
            .expect("every campaign and inbox is in a part")
    };
    // Taken, not copied: what a part leaves behind is dropped with it.
    let campaigns: Vec<_> = (0..parts[0].campaigns.len())
        .map(|c| {
            let o = &mut outcomes[owner(&|p| p.campaigns[c])];
            (
                std::mem::take(&mut o.campaigns[c]),
                std::mem::take(&mut o.statuses[c]),
                o.timeline.take_campaign(CampaignId::new(c)),
            )
        })
        .collect();
    let inboxes: Vec<_> = (0..parts[0].inboxes.len())
        .map(|i| {
            let o = &mut outcomes[owner(&|p| p.inboxes[i])];
            (
                std::mem::take(&mut o.inboxes[i]),
                o.timeline.take_inbox(InboxId::new(i)),
            )
        })
        .collect();
    let events = outcomes.iter().map(|o| o.events).sum();
    let mut whole = outcomes.swap_remove(0);
    whole.events = events;
    for (c, (metrics, statuses, sends)) in campaigns.into_iter().enumerate() {
        whole.campaigns[c] = metrics;
        whole.statuses[c] = statuses;
        whole.timeline.put_campaign(CampaignId::new(c), sends);
    }
    for (i, (metrics, timeline)) in inboxes.into_iter().enumerate() {
        whole.inboxes[i] = metrics;
        whole.timeline.put_inbox(InboxId::new(i), timeline);
    }
    whole
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_join_transitively_and_only_what_was_joined() {
        let mut s = Sets::new(6);
        s.join(0, 1);
        s.join(2, 3);
        s.join(1, 3);
        assert_eq!(s.root(0), s.root(2));
        assert_ne!(s.root(0), s.root(4));
        assert_ne!(s.root(4), s.root(5));
    }
}
