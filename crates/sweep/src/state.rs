//! A sweep's mergeable state: what its runs measured, run by run, and the band histograms.
//! One `sweep` builds it from all runs, a shard from its slice; `merge` adds shards' states up,
//! and the outputs are always written from a state, by one function ([`crate::outputs`]).

use model::time::Span;
use scenario::Scenario;
use sim::Outcome;
use sim::Recorded;
use sim::population::Population;

use crate::bands::{Bands, RunBands};
use crate::header::Header;

/// What one run measured: its values in [`Header::layout`] order, and each threshold's verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct RunValues {
    /// 0-based run number; the seed is the first seed plus it.
    pub run: u64,
    /// `None` where the run has no value (a campaign that sent nothing has no last send).
    pub values: Vec<Option<f64>>,
    pub passed: Vec<bool>,
}

#[derive(Debug, Clone)]
pub struct State {
    pub header: Header,
    /// In run order.
    pub runs: Vec<RunValues>,
    /// Complete once nothing waits (after [`State::in_run_order`]): read through
    /// [`State::bands`].
    bands: Bands,
    /// Runs whose band values have yet to go into `bands`: they go in together
    /// ([`Bands::record`]).
    waiting: Vec<RunBands>,
}

/// Runs whose band values go into the histograms together.
const BATCH: usize = 32;

impl State {
    pub fn new(header: Header) -> State {
        let bands = Bands::new(header.campaigns.len(), header.inboxes.len());
        State {
            header,
            runs: Vec::new(),
            bands,
            waiting: Vec::new(),
        }
    }

    /// Adds `other`'s runs and histograms (its header is the same: the caller checked). Runs
    /// stay in the order added until [`State::in_run_order`].
    pub fn add(&mut self, mut other: State) {
        self.settle();
        other.settle();
        self.runs.extend(other.runs);
        self.bands.add(other.bands);
    }

    /// The runs sorted by run number, as every output lists them, and every run in the bands.
    pub fn in_run_order(mut self) -> State {
        self.settle();
        self.runs.sort_by_key(|r| r.run);
        self
    }

    /// The band histograms of every run the state holds.
    pub fn bands(&self) -> &Bands {
        assert!(
            self.waiting.is_empty(),
            "a state's bands are read once it is in run order"
        );
        &self.bands
    }

    /// The state of runs already measured, with the bands their histograms make (a shard read
    /// back).
    pub(crate) fn with_bands(mut self, bands: Bands) -> State {
        assert!(self.waiting.is_empty(), "only runs already in bands");
        self.bands = bands;
        self
    }

    fn settle(&mut self) {
        self.bands.record(&self.waiting);
        self.waiting.clear();
    }

    pub fn bin(&self) -> Span {
        Span::from_millis(self.header.bin_ms)
    }
}

impl State {
    /// Runs run `run` of the sweep and adds it: its values, measured with the code `run`
    /// reports with (`report::summarize`), so a sweep's numbers are single runs' numbers; and
    /// its series' values, which go into the state's histograms with those of the runs before
    /// and after it ([`Bands::record`]; a run never holds histograms of its own).
    pub fn replicate(
        &mut self,
        scn: &Scenario,
        population: &Population,
        script: Option<&Recorded>,
        run: u64,
    ) {
        let seed = self.header.seed(run);
        let opts = sim::Options { seed, trace: false };
        let outcome = sim::run_on(scn, population, script, &opts);
        let mut values = measure(scn, &outcome);
        values.run = run;
        self.runs.push(values);
        self.waiting.push(self.bands.values(&outcome, self.bin()));
        if self.waiting.len() == BATCH {
            self.settle();
        }
    }
}

/// Values in layout order: per campaign, then per inbox, as `summary.json` shows them.
fn measure(scn: &Scenario, outcome: &Outcome) -> RunValues {
    let s = report::summarize(scn, outcome);
    let mut values = Vec::new();
    for c in &s.campaigns {
        values.extend([
            Some(c.sent as f64),
            Some(c.unreached as f64),
            Some(c.replies as f64),
            c.last_send_s,
        ]);
    }
    for i in &s.inboxes {
        values.extend([
            Some(i.arrivals as f64),
            Some(i.wait_p50_s),
            Some(i.wait_p90_s),
            Some(i.wait_p99_s),
            Some(i.max_queue as f64),
            Some(i.utilization),
            Some(i.utilization_staffed),
            Some(i.utilization_busy_hours),
            Some(i.sla_attainment),
        ]);
    }
    RunValues {
        run: 0,
        values,
        passed: s.expectations.iter().map(|v| v.passed).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_run_is_in_the_bands_once_in_run_order() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../scenarios/single-500.toml");
        let scn = Scenario::load(&path).unwrap();
        let population = sim::population::build(&scn);
        let script = sim::script::record(&scn, &population);
        let runs = BATCH as u64 + 3;
        let header = Header::of(&scn, &population, runs);
        // Two states, as threads leave them: one past a batch, one within its first.
        let (mut a, mut b) = (State::new(header.clone()), State::new(header));
        for run in 0..runs {
            let state = if run < BATCH as u64 + 1 {
                &mut a
            } else {
                &mut b
            };
            state.replicate(&scn, &population, script.as_ref(), run);
        }
        a.add(b);
        assert_eq!(in_bands(a.in_run_order()), runs);
        // One state alone, a batch and part of the next waiting to go in.
        let mut alone = State::new(Header::of(&scn, &population, runs));
        for run in 0..runs {
            alone.replicate(&scn, &population, script.as_ref(), run);
        }
        assert_eq!(in_bands(alone.in_run_order()), runs);
    }

    /// Runs the bands count: each ends in one bin of its campaign's final sends.
    fn in_bands(state: State) -> u64 {
        (state.bands().sends_final[0].bins.iter())
            .flatten()
            .map(|h| h.len())
            .sum()
    }
}
