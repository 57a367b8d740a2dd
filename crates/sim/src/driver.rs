//! The one loop that drives the engine. The simulator, `validate`'s plan and the tokio driver
//! all step through it, so the rule for equal times lives here and nowhere else.
//!
//! Each step does one thing: either the platform's due timers, or the world's next happening (a
//! carrier report, a customer message...). Then the world carries out what the engine decided.

use engine::{Action, Engine, Limiter, SendLimit};
use model::CampaignId;
use model::time::{Instant, MAX_RUN};

/// Everything outside the campaign system: whatever texts it, delivers its SMS and answers it.
pub trait World<L: SendLimit = Limiter> {
    /// When the world next does something, if ever.
    fn next_at(&self) -> Option<Instant>;

    /// Does the world's next thing at `now`, telling the engine what happened.
    fn advance(&mut self, now: Instant, engine: &mut Engine<L>, decided: &mut Vec<Action>);

    /// Carries out what the engine decided at `now`. Called once per step, also with no actions.
    fn carry_out(&mut self, now: Instant, decided: &[Action]);

    /// The run ended at `end`: nothing more happens.
    fn finish(&mut self, _end: Instant) {}

    /// Happenings the world told of as soon as they were decided, without a step of their own
    /// (see [`model::Observer::needs_verdicts_in_order`]): how many fell before the end of the
    /// run, and the latest instant of any.
    fn aside(&self) -> (u64, Option<Instant>) {
        (0, None)
    }
}

/// A world where nobody answers: the engine alone (`validate`'s plan, a recorded campaign
/// script). `hears` is told what the engine decides at each step.
pub struct Silent<F>(pub F);

impl<F: FnMut(Instant, &[Action])> World for Silent<F> {
    fn next_at(&self) -> Option<Instant> {
        None
    }

    fn advance(&mut self, _: Instant, _: &mut Engine, _: &mut Vec<Action>) {
        unreachable!("nothing happens in a world where nobody answers")
    }

    fn carry_out(&mut self, now: Instant, decided: &[Action]) {
        (self.0)(now, decided);
    }
}

/// Who acts in a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    Platform,
    World,
}

pub struct Driver<W, L: SendLimit = Limiter> {
    pub engine: Engine<L>,
    pub world: W,
    horizon: Option<Instant>,
    /// The run never reaches this: the horizon, or the longest run there is.
    limit: Instant,
    now: Instant,
    /// Once nothing is left to do: the campaigns whose unreached rows are counted so far.
    ended: Option<usize>,
    /// When the run ends, where that is not this driver's to say ([`Driver::finish_at`]).
    end_at: Option<Instant>,
    decided: Vec<Action>,
    /// World happenings plus engine actions, so far.
    events: u64,
}

/// A finished run, as the driver leaves it.
pub struct Finished<W, L: SendLimit = Limiter> {
    pub engine: Engine<L>,
    pub world: W,
    /// When the run ended: the horizon, else the last step (or the longest run).
    pub end: Instant,
    pub events: u64,
}

impl<W: World<L>, L: SendLimit> Driver<W, L> {
    /// A run that stops before `horizon`, or when nothing is left to do.
    pub fn new(engine: Engine<L>, world: W, horizon: Option<Instant>) -> Self {
        Driver {
            engine,
            world,
            horizon,
            limit: horizon.unwrap_or(Instant::START + MAX_RUN),
            now: Instant::START,
            ended: None,
            end_at: None,
            decided: Vec::new(),
            events: 0,
        }
    }

    /// When the next step happens and who acts in it; `None` once nothing is left before the
    /// limit.
    pub fn next(&self) -> Option<(Instant, Actor)> {
        let platform = self.engine.next_wakeup();
        let world = self.world.next_at();
        // At equal times the platform acts first: its end times and stops then hold against news
        // of the same millisecond, and every run orders a tie the same way whatever was
        // scheduled first. (Outputs depend on this order; it is the one they were made with.)
        let next = match (platform, world) {
            (Some(p), Some(w)) if w < p => (w, Actor::World),
            (Some(p), _) => (p, Actor::Platform),
            (None, Some(w)) => (w, Actor::World),
            (None, None) => return None,
        };
        (next.0 < self.limit).then_some(next)
    }

    /// Takes one step; `false` once the run is over. The last steps end the run one campaign
    /// at a time: whoever a campaign did not reach stays unreached.
    pub fn step(&mut self) -> bool {
        if let Some(ended) = self.ended {
            if ended == self.engine.campaigns() {
                return false;
            }
            let end = self.end();
            self.engine
                .end_of_run(CampaignId::new(ended), &mut self.decided);
            self.carry_out(end);
            self.ended = Some(ended + 1);
            return true;
        }
        match self.next() {
            Some((t, actor)) => self.take(t, actor),
            None => {
                self.nothing_left();
                return self.step();
            }
        }
        true
    }

    /// Takes every step before the end of the run, and says when the run would end by itself:
    /// the horizon, else its last step (or the longest run). The campaigns' ends are left to
    /// [`Driver::finish_at`], so that parts of one run simulated apart end together.
    pub fn run_until_end(&mut self, progress: &mut dyn FnMut(Instant)) -> Instant {
        let mut steps: u32 = 0;
        while self.ended.is_none() {
            match self.next() {
                Some((t, actor)) => self.take(t, actor),
                None => self.nothing_left(),
            }
            steps = steps.wrapping_add(1);
            if steps.is_multiple_of(1 << 16) {
                progress(self.now);
            }
        }
        self.end()
    }

    fn take(&mut self, t: Instant, actor: Actor) {
        self.now = t;
        match actor {
            Actor::Platform => {
                if let Some(step) = self.engine.on_tick(t, &mut self.decided) {
                    let actions = self.engine.replayed(step);
                    self.events += actions.len() as u64;
                    return self.world.carry_out(t, actions);
                }
            }
            Actor::World => {
                self.events += 1;
                self.world.advance(t, &mut self.engine, &mut self.decided);
            }
        }
        self.carry_out(t);
    }

    /// Nothing is left before the limit: the run ends (at the limit, if work was left after it;
    /// happenings told aside count as steps at their instants).
    fn nothing_left(&mut self) {
        let aside = self.world.aside().1;
        if self.engine.next_wakeup().is_some()
            || self.world.next_at().is_some()
            || aside.is_some_and(|t| t >= self.limit)
        {
            self.now = self.limit;
        } else if let Some(t) = aside {
            self.now = self.now.max(t);
        }
        self.ended = Some(0);
    }

    /// The instant of the last step taken (the start before any).
    pub fn now(&self) -> Instant {
        self.now
    }

    /// When the run ends: as [`Driver::finish_at`] said, else the horizon, else the last step
    /// (or the longest run).
    fn end(&self) -> Instant {
        self.end_at.or(self.horizon).unwrap_or(self.now)
    }

    /// [`Driver::finish`] for a run ending at `end`, whatever its own last step: one of the
    /// parts of a run ([`Driver::run_until_end`]).
    pub fn finish_at(mut self, end: Instant) -> Finished<W, L> {
        self.end_at = Some(end);
        self.finish()
    }

    /// Takes the steps left, then tells the world the run is over.
    pub fn finish(mut self) -> Finished<W, L> {
        while self.step() {}
        let end = self.end();
        self.world.finish(end);
        Finished {
            events: self.events + self.world.aside().0,
            engine: self.engine,
            world: self.world,
            end,
        }
    }

    fn carry_out(&mut self, now: Instant) {
        self.events += self.decided.len() as u64;
        self.world.carry_out(now, &self.decided);
        self.decided.clear();
    }
}
