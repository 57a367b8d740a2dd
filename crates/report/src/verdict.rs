//! A scenario's `[[expect]]` threshold judged on what one run measured.

use jiff::civil::{Date, DateTime};
use serde::{Serialize, Serializer};

use super::measured::{InboxMeasures, Measured, seconds};
use super::show;
use model::CompanyClock;
use model::time::{MINUTE, Span};
use scenario::{Expectation, Interval, Metric, Op, Target};
use sim::metrics::nearest_rank;

/// One threshold judged on one run.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub expectation: Expectation,
    /// The name of the campaign or inbox the threshold is about.
    pub target_name: String,
    /// Seconds for times, a share for attainment and utilization, else a count. For a
    /// per-interval threshold, the worst interval's value.
    pub observed: f64,
    /// Where the worst interval starts on the company's clock, for per-interval thresholds
    /// that saw a conversation.
    pub worst_interval: Option<DateTime>,
    pub passed: bool,
}

/// Judges threshold `e` on what a run measured. A free function rather than a method on
/// [`Expectation`]: the scenario crate cannot know the report's types, and a trait with one
/// implementation would only add an import to every caller.
pub fn judge(e: &Expectation, m: &Measured) -> Verdict {
    let (observed, worst_interval) = match (e.interval, e.target) {
        (Some(iv), Target::Inbox(i)) => {
            match worst_interval(&m.clock, &m.inboxes[i.index()], iv, e.metric, e.op) {
                Some((v, at)) => (v, Some(at)),
                // No conversation arrived in any interval: nothing can have missed the mark.
                None => (0.0, None),
            }
        }
        _ => (m.value(e.target, e.metric), None),
    };
    let passed = match (e.interval, worst_interval) {
        (Some(_), None) => true,
        _ => e.op.holds(observed, e.threshold),
    };
    Verdict {
        expectation: e.clone(),
        target_name: m.name(e.target).to_string(),
        observed,
        worst_interval,
        passed,
    }
}

impl Verdict {
    /// `campaign:NAME` or `inbox:NAME`.
    pub fn target(&self) -> String {
        let kind = match self.expectation.target {
            Target::Campaign(_) => "campaign",
            Target::Inbox(_) => "inbox",
        };
        format!("{kind}:{}", self.target_name)
    }

    /// The threshold as written, for people: `inbox:Support wait_p90 <= 5m every 1h between
    /// 09:00-17:00, over p95`.
    pub fn threshold(&self) -> String {
        show::threshold(&self.target(), &self.expectation)
    }

    /// Per-interval thresholds: `every 1h between 09:00-17:00`.
    pub fn interval(&self) -> Option<String> {
        self.expectation
            .interval
            .map(|iv| show::interval(iv.every, iv.from, iv.to))
    }

    /// `observed` in its unit, for people: `14m11s`, `92.6 %`, `1160`.
    pub fn observed_text(&self) -> String {
        show::value(self.expectation.metric, self.observed)
    }

    /// Where the worst interval starts: `2026-12-01T09:00`.
    pub fn worst_interval_text(&self) -> Option<String> {
        self.worst_interval.map(CompanyClock::datetime_minutes)
    }
}

/// `summary.json` spells the threshold out for people beside its raw values; the typed fields
/// become text only here.
impl Serialize for Verdict {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            threshold: String,
            target: String,
            metric: &'static str,
            condition: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            interval: Option<String>,
            observed: f64,
            observed_text: String,
            #[serde(skip_serializing_if = "Option::is_none")]
            worst_interval: Option<String>,
            passed: bool,
        }
        Json {
            threshold: self.threshold(),
            target: self.target(),
            metric: self.expectation.metric.name(),
            condition: &self.expectation.condition,
            interval: self.interval(),
            observed: self.observed,
            observed_text: self.observed_text(),
            worst_interval: self.worst_interval_text(),
            passed: self.passed,
        }
        .serialize(s)
    }
}

/// The worst value of `metric` over the intervals (company clock) that had arrivals, and where
/// that interval starts.
fn worst_interval(
    clock: &CompanyClock,
    inbox: &InboxMeasures,
    iv: Interval,
    metric: Metric,
    op: Op,
) -> Option<(f64, DateTime)> {
    // Times of day in milliseconds since local midnight.
    let minute = MINUTE.as_millis();
    let every = iv.every.as_millis();
    let (from, to) = (u64::from(iv.from) * minute, u64::from(iv.to) * minute);
    // Each wait with whether it met its own SLA, as the summary and the attainment chart judge it.
    let mut keyed: Vec<((Date, u64), Span, bool)> = inbox
        .arrivals
        .iter()
        .zip(inbox.sla_met)
        .filter_map(|(&(arrived, wait), &(_, met))| {
            let local = clock.reading(arrived);
            let ms_of_day = (u64::from(local.hour() as u8) * 60 + local.minute() as u64) * minute
                + local.second() as u64 * 1000
                + local.millisecond() as u64;
            (from..to)
                .contains(&ms_of_day)
                .then(|| ((local.date(), (ms_of_day - from) / every), wait, met))
        })
        .collect();
    keyed.sort_unstable();
    let worse = |a: f64, b: f64| match op {
        Op::Le | Op::Lt => a > b,
        Op::Ge | Op::Gt => a < b,
    };
    let mut worst: Option<(f64, (Date, u64))> = None;
    for chunk in keyed.chunk_by(|a, b| a.0 == b.0) {
        let sorted: Vec<Span> = chunk.iter().map(|&(_, w, _)| w).collect();
        let met = chunk.iter().filter(|&&(_, _, met)| met).count();
        let v = interval_value(metric, &sorted, met);
        if worst.is_none_or(|(w, _)| worse(v, w)) {
            worst = Some((v, chunk[0].0));
        }
    }
    worst.map(|(v, (date, k))| {
        let start = iv.from as u64 * minute + k * every;
        let (h, m) = (start / 3_600_000, start / 60_000 % 60);
        // Intervals lie within one day, so an interval starts before 24:00.
        (v, date.at(h as i8, m as i8, 0, 0))
    })
}

/// `metric` over the `sorted` waits of the conversations that arrived in one interval, `met` of
/// which were within their SLA.
fn interval_value(metric: Metric, sorted: &[Span], met: usize) -> f64 {
    let at = |percent| nearest_rank(sorted, percent).map_or(0.0, seconds);
    match metric {
        Metric::WaitP50 => at(50),
        Metric::WaitP90 => at(90),
        Metric::WaitP99 => at(99),
        Metric::SlaAttainment => met as f64 / sorted.len() as f64,
        _ => unreachable!("only per-interval metrics are accepted with `every`"),
    }
}
