//! The discrete-event harness: it owns virtual time and randomness, plays the carrier, the
//! customers and the background traffic, and drives the engine through the one [`driver`] loop.
//! A run is a stream of records; [`Metrics`], [`Timeline`] and any extra observer watch it.

mod background;
mod carrier;
mod closed_hours;
mod customers;
pub mod driver;
pub mod metrics;
mod mock_world;
mod parts;
mod plan;
pub mod population;
mod queue;
pub mod realtime;
pub mod rng;
mod sampler;
pub mod script;
pub mod staffing;

use std::sync::Arc;

use engine::{Engine, Limiter, SendLimit};
use model::record::{Observer, Trace};
use model::time::Instant;
use model::{CampaignId, Lists, OutreachId, Pacing, Status, Window};
use scenario::Scenario;

pub use closed_hours::{OpenWindows, ZoneOpen, closed_hours, open_spans};
pub use metrics::{CampaignMetrics, InboxMetrics, Metrics, RuleMetrics, Timeline, TopicMetrics};
pub use parts::{Part, parts, run_in_parts};
pub use plan::{CampaignPlan, MAX_SPLIT, Plan, WhatIf, plan, what_if};
pub use script::Recorded;

use driver::Driver;
use mock_world::MockWorld;
use population::Population;

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub seed: u64,
    /// Keep every record in memory, in [`Outcome::trace`] (tests and library callers; `run
    /// --trace` streams the records to a file instead).
    pub trace: bool,
}

/// Everything a run produced.
pub struct Outcome {
    pub seed: u64,
    /// World happenings processed plus actions the engine took.
    pub events: u64,
    /// Virtual time the run ended.
    pub end: Instant,
    pub campaigns: Vec<CampaignMetrics>,
    /// Final status of each outreach, `[campaign][outreach]`.
    pub statuses: Vec<Vec<Status>>,
    pub inboxes: Vec<InboxMetrics>,
    /// How often each routing rule fired, and whether it was switched off.
    pub rules: Vec<RuleMetrics>,
    /// Per-minute series for charts.
    pub timeline: Timeline,
    /// Phones listed in more than one campaign.
    pub shared_phones: u64,
    /// Every record, with `Options::trace`; else empty.
    pub trace: Trace,
    /// Who each outreach texted, `[campaign][outreach][row]`.
    pub lists: Lists,
    /// Recipients per zone of each list, `[campaign][outreach][zone]`.
    pub zone_counts: Arc<[Vec<Vec<u64>>]>,
}

/// The engine's configuration for a scenario, with the recipient `lists` built for it.
pub fn engine_config(scn: &Scenario, lists: Lists) -> engine::Config {
    engine::Config {
        epoch: scn.epoch,
        zones: scn.zones.iter().map(|z| z.tz.clone()).collect(),
        windows: scn.limits.windows.clone(),
        pacing: scn.limits.pacing,
        opt_out_scope: scn.limits.opt_out_scope,
        duplicates: scn.limits.duplicates,
        number_inbox: scn.numbers.iter().map(|n| n.inbox).collect(),
        number_sla: scn.numbers.iter().map(|n| n.sla).collect(),
        rules: scn.rules.clone(),
        boosts: scn.boosts.clone(),
        routing: scn.routing,
        inboxes: scn
            .inboxes
            .iter()
            .map(|i| engine::InboxConfig {
                agents: i.agents,
                shifts: i.shifts.clone(),
                capacity: i.capacity,
                maximum: i.capacity_maximum,
                sla: i.sla_within,
                same_agent_window: i.same_agent_window,
            })
            .collect(),
        campaigns: scn
            .campaigns
            .iter()
            .zip(lists)
            .map(|(c, lists)| engine::CampaignConfig {
                number: c.number,
                schedule: c.schedule.clone(),
                outreaches: c
                    .outreaches
                    .iter()
                    .zip(lists)
                    .map(|(o, recipients)| engine::OutreachConfig {
                        start: o.start,
                        end: o.end,
                        stop_at: o.stop_at,
                        recipients,
                    })
                    .collect(),
            })
            .collect(),
    }
}

pub fn run(scn: &Scenario, opts: &Options) -> Outcome {
    Run::new(scn, opts, ()).finish().0
}

/// Like [`run`], on recipient lists built once for many runs (they depend on the scenario
/// alone), and replaying the campaigns' steps where [`script::record`] could record them: what
/// a sweep's replications share.
pub fn run_on(
    scn: &Scenario,
    population: &Population,
    recorded: Option<&Recorded>,
    opts: &Options,
) -> Outcome {
    run_observed_on(scn, population, recorded, opts, ()).0
}

/// [`run_on`] with `observer` watching every record (size's runs: one staffing's seeds).
pub fn run_observed_on<O: Observer>(
    scn: &Scenario,
    population: &Population,
    recorded: Option<&Recorded>,
    opts: &Options,
    observer: O,
) -> (Outcome, O) {
    let whole = Part::whole(scn);
    Run::of_part(
        scn,
        population,
        opts,
        observer,
        Limiter::new,
        &whole,
        recorded,
    )
    .finish()
}

/// Like [`run`], with `observer` watching every record, and `progress` called with the virtual
/// time now and then (for progress bars).
pub fn run_with_progress<O: Observer>(
    scn: &Scenario,
    opts: &Options,
    observer: O,
    progress: &mut dyn FnMut(Instant),
) -> (Outcome, O) {
    run_with_progress_on(scn, &population::build(scn), opts, observer, progress)
}

fn run_with_progress_on<O: Observer>(
    scn: &Scenario,
    population: &Population,
    opts: &Options,
    observer: O,
    progress: &mut dyn FnMut(Instant),
) -> (Outcome, O) {
    let mut run = Run::with(scn, population, opts, observer, Limiter::new);
    let mut steps: u32 = 0;
    while run.step() {
        steps = steps.wrapping_add(1);
        if steps.is_multiple_of(1 << 16) {
            progress(run.now());
        }
    }
    run.finish()
}

/// The observers every run has, plus the caller's.
type Watchers<O> = ((Metrics, Timeline), (Option<Trace>, O));

/// A run in progress, taken one step at a time (two runs of one seed can go side by side).
pub struct Run<'a, O, L: SendLimit = Limiter> {
    driver: Driver<MockWorld<'a, Watchers<O>>, L>,
    seed: u64,
    lists: Lists,
    zone_counts: Arc<[Vec<Vec<u64>>]>,
    shared_phones: u64,
    /// The campaigns this run simulates: all of them, unless it is one [`Part`].
    campaigns: Vec<bool>,
}

/// About how many conversations the campaigns of `part` open in a run: each row may reply at
/// its campaign's rate. A tenth over the mean, so the tables sized for it rarely grow (background
/// traffic, not counted, may make them); at most [`MAX_EXPECTED`], as most rows of a huge list
/// may never be texted before the end.
fn expected_conversations(lists: &Lists, reply_rates: &[f64], part: &Part) -> usize {
    let replies: f64 = (lists.iter().zip(reply_rates).zip(&part.campaigns))
        .filter(|(_, ours)| **ours)
        .map(|((outreaches, rate), _)| {
            rate * outreaches.iter().map(|l| l.len() as f64).sum::<f64>()
        })
        .sum();
    ((replies * 1.1) as usize + 16).min(MAX_EXPECTED)
}

/// Conversations reserved for at most: some 16 MB of tables. Past it they grow as they fill,
/// where a review found two lists of 100 million reserving 47 GB for a run of 1,440 sends.
const MAX_EXPECTED: usize = 1 << 16;

impl<'a, O: Observer> Run<'a, O> {
    /// A run with the platform's limiter; `observer` sees every record besides the metrics.
    pub fn new(scn: &'a Scenario, opts: &Options, observer: O) -> Self {
        Run::with(scn, &population::build(scn), opts, observer, Limiter::new)
    }
}

impl<'a, O: Observer, L: SendLimit> Run<'a, O, L> {
    /// A run of `population` (built once for many runs: it depends on the scenario alone) whose
    /// campaigns use the limiters `limiter` builds (tests use broken ones).
    pub fn with(
        scn: &'a Scenario,
        population: &Population,
        opts: &Options,
        observer: O,
        limiter: impl FnMut(&[Window], Pacing) -> L,
    ) -> Self {
        Run::of_part(
            scn,
            population,
            opts,
            observer,
            limiter,
            &Part::whole(scn),
            None,
        )
    }

    /// [`Run::with`] for the campaigns and inboxes of `part` alone, its campaigns replaying
    /// `recorded` if there is one (recorded from the whole scenario).
    fn of_part(
        scn: &'a Scenario,
        population: &Population,
        opts: &Options,
        observer: O,
        limiter: impl FnMut(&[Window], Pacing) -> L,
        part: &Part,
        recorded: Option<&Recorded>,
    ) -> Self {
        assert!(
            recorded.is_none() || part.campaigns.iter().all(|&ours| ours),
            "a script is the whole scenario's campaign steps"
        );
        let mut config = engine_config(scn, population.lists.clone());
        for (campaign, &ours) in config.campaigns.iter_mut().zip(&part.campaigns) {
            if !ours {
                campaign.outreaches.clear();
            }
        }
        let outreaches = config.campaigns.iter().map(|c| c.outreaches.len()).sum();
        if recorded.is_some() {
            // The script holds what they do.
            config
                .campaigns
                .iter_mut()
                .for_each(|c| c.outreaches.clear());
        }
        let models = mock_world::campaign_models(scn, opts.seed);
        let reply_rates: Vec<f64> = models.iter().map(|m| m.reply_rate).collect();
        let conversations = expected_conversations(&population.lists, &reply_rates, part);
        let others = (opts.trace.then(Trace::new), observer);
        // Counted once for every run, where nobody else reads them.
        let counted = recorded
            .filter(|_| !others.reads_recipients())
            .map(|r| &r.counted);
        let mut metrics =
            Metrics::new(scn, &population.lists, &reply_rates).expecting(conversations);
        let mut timeline = Timeline::new(scn).expecting(conversations);
        if let Some((m, t)) = counted {
            (metrics, timeline) = (metrics.with_recipients_of(m), timeline.with_sends_of(t));
        }
        let mut world = MockWorld::new(
            scn,
            opts.seed,
            outreaches,
            models,
            ((metrics, timeline), others),
            &part.inboxes,
        )
        .expecting(conversations);
        if counted.is_some() {
            world = world.recipients_counted();
        }
        let mut engine = Engine::with_limiters(config, limiter).expecting(conversations);
        if let Some(recorded) = recorded {
            engine = engine.replay(Arc::clone(&recorded.script));
        }
        Run {
            driver: Driver::new(engine, world, scn.until),
            lists: population.lists.clone(),
            zone_counts: Arc::clone(&population.zone_counts),
            seed: opts.seed,
            shared_phones: population.shared_phones,
            campaigns: part.campaigns.clone(),
        }
    }

    /// Takes one step; `false` once the run has nothing left to do.
    pub fn step(&mut self) -> bool {
        self.driver.step()
    }

    /// The virtual time of the last step.
    pub fn now(&self) -> Instant {
        self.driver.now()
    }

    /// Takes every step before the end; says when the run would end by itself (see
    /// [`Driver::run_until_end`]).
    fn run_until_end(&mut self, progress: &mut dyn FnMut(Instant)) -> Instant {
        self.driver.run_until_end(progress)
    }

    /// Ends the run; gives back what it measured and the caller's observer.
    pub fn finish(self) -> (Outcome, O) {
        self.end_run(None)
    }

    /// [`Run::finish`] for one part of a run, which ends at `end` with the others.
    fn finish_at(self, end: Instant) -> (Outcome, O) {
        self.end_run(Some(end))
    }

    fn end_run(self, end: Option<Instant>) -> (Outcome, O) {
        let done = match end {
            Some(end) => self.driver.finish_at(end),
            None => self.driver.finish(),
        };
        let ((metrics, timeline), (trace, observer)) = done.world.observer;
        let statuses = self
            .lists
            .iter()
            .enumerate()
            .map(|(c, outreaches)| {
                // Another part's campaign: that part says.
                let simulated = if self.campaigns[c] {
                    outreaches.len()
                } else {
                    0
                };
                OutreachId::all(simulated)
                    .map(|o| done.engine.outreach_status(CampaignId::new(c), o))
                    .collect()
            })
            .collect();
        let outcome = Outcome {
            seed: self.seed,
            events: done.events,
            end: done.end,
            campaigns: metrics.campaigns,
            statuses,
            inboxes: metrics.inboxes,
            rules: metrics.rules,
            timeline,
            shared_phones: self.shared_phones,
            trace: trace.unwrap_or_default(),
            lists: self.lists,
            zone_counts: self.zone_counts,
        };
        (outcome, observer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A review found two made-up lists of 100 million rows reserving 47 GB of tables for a run
    /// that could send 1,440 SMS.
    #[test]
    fn huge_lists_reserve_bounded_tables() {
        let zone = model::ZoneId::new(0);
        let ours = Part {
            campaigns: vec![true],
            inboxes: vec![true],
        };
        let huge: Lists = vec![vec![model::List::generated_in(1, 100_000_000, zone); 2]];
        assert_eq!(expected_conversations(&huge, &[0.95], &ours), MAX_EXPECTED);
        // A small list: a tenth over its mean replies.
        let small: Lists = vec![vec![model::List::generated_in(1, 1000, zone)]];
        assert_eq!(expected_conversations(&small, &[0.1], &ours), 126);
        // Another part's campaign reserves nothing here.
        let theirs = Part {
            campaigns: vec![false],
            inboxes: vec![true],
        };
        assert_eq!(expected_conversations(&huge, &[0.95], &theirs), 16);
    }
}
