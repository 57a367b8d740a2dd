//! Evaluates the scenario's `[[expect]]` thresholds against one run.

use jiff::civil::Date;
use serde::Serialize;

use super::show;
use super::summary::{Summary, seconds};
use model::CompanyClock;
use model::time::{Instant, MINUTE, Span};
use scenario::{Expectation, Interval, Metric, Op, Scenario, Target};
use sim::Outcome;
use sim::metrics::nearest_rank;

#[derive(Serialize, Debug, Clone)]
pub struct Verdict {
    /// The threshold as written, for people: `inbox:Support wait_p90 <= 5m every 1h between
    /// 09:00-17:00, over p95`.
    pub threshold: String,
    /// `campaign:NAME` or `inbox:NAME`.
    pub target: String,
    pub metric: &'static str,
    pub condition: String,
    /// Per-interval thresholds: `every 1h between 09:00-17:00`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// Seconds for times, a share for attainment and utilization, else a count. For a
    /// per-interval threshold, the worst interval's value.
    pub observed: f64,
    /// `observed` in its unit, for people: `14m11s`, `92.6 %`, `1160`.
    pub observed_text: String,
    /// Start of the worst interval (company clock), for per-interval thresholds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worst_interval: Option<String>,
    pub passed: bool,
}

pub fn evaluate(scn: &Scenario, o: &Outcome, s: &Summary) -> Vec<Verdict> {
    scn.expectations
        .iter()
        .map(|e| verdict(scn, o, s, e))
        .collect()
}

fn verdict(scn: &Scenario, o: &Outcome, s: &Summary, e: &Expectation) -> Verdict {
    let (target, whole_run) = match e.target {
        Target::Campaign(c) => {
            let c = &s.campaigns[c as usize];
            let v = match e.metric {
                Metric::Sent => c.sent as f64,
                Metric::Delivered => c.delivered as f64,
                Metric::Failed => c.failed as f64,
                Metric::Unreached => c.unreached as f64,
                Metric::SkippedOptedOut => c.skipped_opted_out as f64,
                Metric::SkippedDuplicate => c.skipped_duplicate as f64,
                Metric::Replies => c.replies as f64,
                Metric::OptOuts => c.opt_outs as f64,
                Metric::LastSend => c.last_send_s.unwrap_or(0.0),
                _ => unreachable!("inbox metrics are rejected for campaigns when read"),
            };
            (format!("campaign:{}", c.name), v)
        }
        Target::Inbox(i) => {
            let i = &s.inboxes[i as usize];
            let v = match e.metric {
                Metric::Arrivals => i.arrivals as f64,
                Metric::Handled => i.handled as f64,
                Metric::WaitP50 => i.wait_p50_s,
                Metric::WaitP90 => i.wait_p90_s,
                Metric::WaitP99 => i.wait_p99_s,
                Metric::MaxQueue => i.max_queue as f64,
                Metric::SlaAttainment => i.sla_attainment,
                Metric::Utilization => i.utilization,
                _ => unreachable!("campaign metrics are rejected for inboxes when read"),
            };
            (format!("inbox:{}", i.name), v)
        }
    };
    let (observed, worst_interval) = match (e.interval, e.target) {
        (Some(iv), Target::Inbox(i)) => {
            let waits = &o.timeline.inboxes[i as usize].waits;
            let sla = scn.inboxes[i as usize].sla_within;
            match worst_interval(scn, waits, iv, e.metric, e.op, sla) {
                Some((v, at)) => (v, Some(at)),
                // No conversation arrived in any interval: nothing can have missed the mark.
                None => (0.0, None),
            }
        }
        _ => (whole_run, None),
    };
    let passed = match (e.interval, &worst_interval) {
        (Some(_), None) => true,
        _ => e.op.holds(observed, e.threshold),
    };
    Verdict {
        threshold: show::threshold(&target, e),
        target,
        metric: e.metric.name(),
        condition: e.condition.clone(),
        interval: e
            .interval
            .map(|iv| show::interval(iv.every, iv.from, iv.to)),
        observed,
        observed_text: show::value(e.metric, observed),
        worst_interval,
        passed,
    }
}

/// The worst value of `metric` over the intervals (company clock) that had arrivals, and where
/// that interval starts.
fn worst_interval(
    scn: &Scenario,
    waits: &[(Instant, Span)],
    iv: Interval,
    metric: Metric,
    op: Op,
    sla: Span,
) -> Option<(f64, String)> {
    let clock = scn.company_clock();
    // Times of day in milliseconds since local midnight.
    let minute = MINUTE.as_millis();
    let every = iv.every.as_millis();
    let (from, to) = (u64::from(iv.from) * minute, u64::from(iv.to) * minute);
    let mut keyed: Vec<((Date, u64), Span)> = waits
        .iter()
        .filter_map(|&(arrived, wait)| {
            let local = clock.reading(arrived);
            let ms_of_day = (u64::from(local.hour() as u8) * 60 + local.minute() as u64) * minute
                + local.second() as u64 * 1000
                + local.millisecond() as u64;
            (from..to)
                .contains(&ms_of_day)
                .then(|| ((local.date(), (ms_of_day - from) / every), wait))
        })
        .collect();
    keyed.sort_unstable();
    let value = |sorted: &[Span]| -> f64 {
        let at = |percent| nearest_rank(sorted, percent).map_or(0.0, seconds);
        match metric {
            Metric::WaitP50 => at(50),
            Metric::WaitP90 => at(90),
            Metric::WaitP99 => at(99),
            Metric::SlaAttainment => {
                sorted.iter().filter(|&&w| w <= sla).count() as f64 / sorted.len() as f64
            }
            _ => unreachable!("only per-interval metrics are accepted with `every`"),
        }
    };
    let worse = |a: f64, b: f64| match op {
        Op::Le | Op::Lt => a > b,
        Op::Ge | Op::Gt => a < b,
    };
    let mut worst: Option<(f64, (Date, u64))> = None;
    for chunk in keyed.chunk_by(|a, b| a.0 == b.0) {
        let sorted: Vec<Span> = chunk.iter().map(|&(_, w)| w).collect();
        let v = value(&sorted);
        if worst.is_none_or(|(w, _)| worse(v, w)) {
            worst = Some((v, chunk[0].0));
        }
    }
    worst.map(|(v, (date, k))| {
        let start = iv.from as u64 * minute + k * every;
        let (h, m) = (start / 3_600_000, start / 60_000 % 60);
        let reading = date.at(h as i8, m as i8, 0, 0);
        (v, CompanyClock::datetime_minutes(reading))
    })
}
