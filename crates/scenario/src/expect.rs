//! `[[expect]]` thresholds: `{ inbox = "X", wait_p90 = "<= 10m" }`. A breach makes the run exit 1.

use std::fmt;

use model::{CampaignId, InboxId};

/// What a threshold is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Campaign(CampaignId),
    Inbox(InboxId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Sent,
    Delivered,
    Failed,
    Unreached,
    SkippedOptedOut,
    SkippedDuplicate,
    Replies,
    OptOuts,
    /// Seconds from the simulation start to the campaign's last send.
    LastSend,
    Arrivals,
    Handled,
    WaitP50,
    WaitP90,
    WaitP99,
    MaxQueue,
    SlaAttainment,
    Utilization,
}

pub(crate) const CAMPAIGN_METRICS: [(&str, Metric); 9] = [
    ("sent", Metric::Sent),
    ("delivered", Metric::Delivered),
    ("failed", Metric::Failed),
    ("unreached", Metric::Unreached),
    ("skipped_opted_out", Metric::SkippedOptedOut),
    ("skipped_duplicate", Metric::SkippedDuplicate),
    ("replies", Metric::Replies),
    ("opt_outs", Metric::OptOuts),
    ("last_send", Metric::LastSend),
];

pub(crate) const INBOX_METRICS: [(&str, Metric); 8] = [
    ("arrivals", Metric::Arrivals),
    ("handled", Metric::Handled),
    ("wait_p50", Metric::WaitP50),
    ("wait_p90", Metric::WaitP90),
    ("wait_p99", Metric::WaitP99),
    ("max_queue", Metric::MaxQueue),
    ("sla_attainment", Metric::SlaAttainment),
    ("utilization", Metric::Utilization),
];

impl Metric {
    pub fn parse(target: Target, key: &str) -> Result<Metric, String> {
        let table: &[(&str, Metric)] = match target {
            Target::Campaign(_) => &CAMPAIGN_METRICS,
            Target::Inbox(_) => &INBOX_METRICS,
        };
        table
            .iter()
            .find(|(k, _)| *k == key)
            .map(|&(_, m)| m)
            .ok_or_else(|| {
                let valid: Vec<&str> = table.iter().map(|(k, _)| *k).collect();
                format!(
                    "unknown metric `{key}` here, expected one of: {}",
                    valid.join(", ")
                )
            })
    }

    pub fn name(self) -> &'static str {
        CAMPAIGN_METRICS
            .iter()
            .chain(INBOX_METRICS.iter())
            .find(|(_, m)| *m == self)
            .map(|(k, _)| *k)
            .expect("every metric has a name")
    }

    /// Whether thresholds of this metric are times (written as durations, compared in seconds).
    pub fn is_time(self) -> bool {
        matches!(
            self,
            Metric::LastSend | Metric::WaitP50 | Metric::WaitP90 | Metric::WaitP99
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Le,
    Lt,
    Ge,
    Gt,
}

impl Op {
    pub fn holds(self, observed: f64, threshold: f64) -> bool {
        match self {
            Op::Le => observed <= threshold,
            Op::Lt => observed < threshold,
            Op::Ge => observed >= threshold,
            Op::Gt => observed > threshold,
        }
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Ge => ">=",
            Op::Gt => ">",
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub target: Target,
    pub metric: Metric,
    pub op: Op,
    /// Seconds for time metrics, a share (0..1) for attainment/utilization, else a count.
    pub threshold: f64,
    /// The condition as written, for reports.
    pub condition: String,
    /// Over several seeds (`check`): must it hold in every run, or in 95% of them?
    pub over: Over,
    /// Checked in each interval of the day instead of over the whole run.
    pub interval: Option<Interval>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Over {
    #[default]
    EveryRun,
    /// At least 95% of runs.
    P95,
}

impl Over {
    pub fn parse(s: &str) -> Result<Over, String> {
        match s {
            "every_run" => Ok(Over::EveryRun),
            "p95" => Ok(Over::P95),
            _ => Err(format!("`over` is \"every_run\" or \"p95\", found {s:?}")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Over::EveryRun => "every_run",
            Over::P95 => "p95",
        }
    }
}

/// `every = "1h", between = "09:00-17:00"`: consecutive intervals of the company's clock,
/// each day, from `from` to `to` (minutes since midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub every: model::time::Span,
    pub from: u16,
    pub to: u16,
}

impl Metric {
    /// Metrics that can be taken per interval (from the conversations arriving in it).
    pub fn per_interval(self) -> bool {
        matches!(
            self,
            Metric::WaitP50 | Metric::WaitP90 | Metric::WaitP99 | Metric::SlaAttainment
        )
    }
}

/// Parses `"<= 10m"`, `"> 0.9"`, `">= 90%"`, `"< 500"`.
pub fn parse_condition(metric: Metric, text: &str) -> Result<(Op, f64), String> {
    let t = text.trim();
    let (op, rest) = [("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt)]
        .iter()
        .find_map(|(s, op)| t.strip_prefix(s).map(|r| (*op, r.trim())))
        .ok_or_else(|| {
            format!("expected a condition like \"<= 10m\" or \">= 0.9\", found {text:?}")
        })?;
    let value = if metric.is_time() {
        super::values::parse_duration(rest)?.as_millis() as f64 / 1000.0
    } else if let Some(p) = rest.strip_suffix('%') {
        p.trim()
            .parse::<f64>()
            .map_err(|_| format!("expected a percentage, found {rest:?}"))?
            / 100.0
    } else {
        rest.parse::<f64>()
            .map_err(|_| format!("expected a number, found {rest:?}"))?
    };
    // Every metric is a count, a time or a share: a threshold outside what it can take would
    // always hold or never, which is a typo rather than a limit.
    if !value.is_finite() {
        return Err(format!(
            "a threshold must be a finite number, found {rest:?}"
        ));
    }
    if value < 0.0 {
        return Err(format!(
            "`{}` is never negative: a threshold of {rest} always holds or never does",
            metric.name()
        ));
    }
    if metric == Metric::SlaAttainment && value > 1.0 {
        return Err(format!(
            "`sla_attainment` is a share of at most 100% (write \"90%\" or 0.9), found {rest:?}"
        ));
    }
    Ok((op, value))
}
