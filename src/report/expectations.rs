//! Evaluates the scenario's `[[expect]]` thresholds against a run's summary.

use serde::Serialize;

use super::summary::Summary;
use crate::scenario::{Metric, Scenario, Target};

#[derive(Serialize, Debug, Clone)]
pub struct Verdict {
    /// `campaign:NAME` or `inbox:NAME`.
    pub target: String,
    pub metric: &'static str,
    pub condition: String,
    /// Seconds for times, a share for attainment and utilization, else a count.
    pub observed: f64,
    pub passed: bool,
}

pub fn evaluate(scn: &Scenario, s: &Summary) -> Vec<Verdict> {
    scn.expectations
        .iter()
        .map(|e| {
            let (target, observed) = match e.target {
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
            Verdict {
                target,
                metric: e.metric.name(),
                condition: e.condition.clone(),
                observed,
                passed: e.op.holds(observed, e.threshold),
            }
        })
        .collect()
}
