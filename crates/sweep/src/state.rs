//! A sweep's mergeable state: what its runs measured, run by run, and the band histograms.
//! One `sweep` builds it from all runs, a shard from its slice; `merge` adds shards' states up,
//! and the outputs are always written from a state, by one function ([`crate::outputs`]).

use model::time::Span;
use scenario::Scenario;
use sim::Outcome;
use sim::Recorded;
use sim::population::Population;

use crate::bands::Bands;
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
    pub bands: Bands,
}

impl State {
    pub fn new(header: Header) -> State {
        let bands = Bands::new(header.campaigns.len(), header.inboxes.len());
        State {
            header,
            runs: Vec::new(),
            bands,
        }
    }

    /// Adds `other`'s runs and histograms (its header is the same: the caller checked). Runs
    /// stay in the order added until [`State::in_run_order`].
    pub fn add(&mut self, other: State) {
        self.runs.extend(other.runs);
        self.bands.add(other.bands);
    }

    /// The runs sorted by run number, as every output lists them.
    pub fn in_run_order(mut self) -> State {
        self.runs.sort_by_key(|r| r.run);
        self
    }

    pub fn bin(&self) -> Span {
        Span::from_millis(self.header.bin_ms)
    }
}

impl State {
    /// Runs run `run` of the sweep and adds it: its values, measured with the code `run`
    /// reports with (`report::summarize`), so a sweep's numbers are single runs' numbers; and
    /// its series, straight into the histograms (a run never holds histograms of its own).
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
        let bin = self.bin();
        self.bands.record(&outcome, bin);
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
