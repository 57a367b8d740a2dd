//! The campaigns' side of a run, recorded once and replayed by engines that share it.
//!
//! What a campaign sends depends on its limiter, its lists and the clock, and on the opt-out
//! registry only for a phone that was texted before: when no phone is listed twice (outside
//! the duplicate rows `send_once` passes over), no customer can opt out before their own send,
//! and every run of the scenario takes the same campaign steps whatever its seed. A sweep then
//! records those steps once ([`Script`]) and each replication replays them
//! ([`crate::Engine::replay`]) instead of running limiters and outreaches again.
//!
//! A replayed step keeps its place among the engine's own timers: at one instant the
//! campaigns' timers (outreach ends and stops, starts, slots) run before sessions and shifts
//! (by rank, and among timers of one rank by the order `Timer`'s kinds are declared in), so a
//! replayed step goes before any timer of the engine's own due at its instant, as it would have.

use std::sync::Arc;

use model::time::Instant;
use model::{CampaignId, OutreachId, Status};

use super::Action;

/// The campaign steps of a run, with what the end of the run decides and how it leaves them.
#[derive(Debug, Clone, Default)]
pub struct Script {
    /// Each step's instant and the end of its actions in `actions` (steps follow each other).
    steps: Vec<(Instant, usize)>,
    actions: Vec<Action>,
    /// The first campaign timer left at the run's limit or after it, if any: the run then ends
    /// at its limit.
    after: Option<Instant>,
    /// Per campaign, what `end_of_run` decides (the rows left unreached when the run ends).
    at_end: Vec<Vec<Action>>,
    /// Each outreach's status once the run is over, `[campaign][outreach]`.
    statuses: Vec<Vec<Status>>,
}

impl Script {
    /// Adds the campaign step taken at `at`, in order.
    pub fn step(&mut self, at: Instant, actions: &[Action]) {
        self.actions.extend_from_slice(actions);
        self.steps.push((at, self.actions.len()));
    }

    /// Closes the recording: `after` as [`Script::after`] says, then per campaign what the end
    /// of the run decides and the outreaches' statuses.
    pub fn end(
        &mut self,
        after: Option<Instant>,
        at_end: Vec<Vec<Action>>,
        statuses: Vec<Vec<Status>>,
    ) {
        self.after = after;
        self.at_end = at_end;
        self.statuses = statuses;
    }

    /// How many campaign steps it holds.
    pub fn steps(&self) -> usize {
        self.steps.len()
    }

    /// Each step's instant and actions, in order.
    pub fn each_step(&self) -> impl Iterator<Item = (Instant, &[Action])> {
        let froms = std::iter::once(0).chain(self.steps.iter().map(|&(_, to)| to));
        (self.steps.iter().zip(froms)).map(|(&(at, to), from)| (at, &self.actions[from..to]))
    }

    /// What the end of the run decides, campaign after campaign.
    pub fn each_end(&self) -> impl Iterator<Item = &[Action]> {
        self.at_end.iter().map(Vec::as_slice)
    }

    pub(crate) fn status(&self, campaign: CampaignId, outreach: OutreachId) -> Status {
        self.statuses[campaign.index()][outreach.index()]
    }

    pub(crate) fn at_end(&self, campaign: CampaignId) -> &[Action] {
        &self.at_end[campaign.index()]
    }
}

/// Where a replay is in its script.
#[derive(Debug, Clone)]
pub(crate) struct Replay {
    script: Arc<Script>,
    next: usize,
}

impl Replay {
    pub(crate) fn new(script: Arc<Script>) -> Self {
        Replay { script, next: 0 }
    }

    pub(crate) fn script(&self) -> &Script {
        &self.script
    }

    /// When the next step is due, if any is left.
    pub(crate) fn next_step(&self) -> Option<Instant> {
        self.script.steps.get(self.next).map(|&(at, _)| at)
    }

    /// When the engine's campaigns next need it: the next step; past the last, the first timer
    /// the recording left after the run's limit.
    pub(crate) fn next_at(&self) -> Option<Instant> {
        self.next_step().or(self.script.after)
    }

    /// Takes the next step ([`Replay::actions`] lends its actions).
    pub(crate) fn take(&mut self) -> Replayed {
        let script = &self.script;
        let from = match self.next {
            0 => 0,
            n => script.steps[n - 1].1,
        };
        let to = script.steps[self.next].1;
        self.next += 1;
        Replayed(from..to)
    }

    /// The actions of a step [`Replay::take`] took.
    pub(crate) fn actions(&self, step: Replayed) -> &[Action] {
        &self.script.actions[step.0]
    }
}

/// A replayed campaign step: which of its script's actions it takes
/// ([`crate::Engine::replayed`]).
#[derive(Debug)]
#[must_use = "a replayed step's actions are lent by Engine::replayed, and are lost if not taken"]
pub struct Replayed(std::ops::Range<usize>);
