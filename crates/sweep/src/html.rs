//! The sweep's `index.html`: one self-contained page (no external requests) with the spread of
//! every metric over the runs, the thresholds' pass shares, and the band charts inlined.

use std::fmt::Write;

use report::charts::Chart;
use report::html::{esc, figure, head, scrolling_tables};
use report::show;

use crate::outputs::SweepJson;
use crate::stats::Spread;

/// A value in its unit: durations for `*_s`, percentages for shares, else the number.
fn shown(metric: &str, v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(v) if metric.ends_with("_s") => show::duration(v),
        Some(v) if metric.starts_with("utilization") || metric == "sla_attainment" => {
            show::percent(v)
        }
        Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
    }
}

/// A metric as a planner reads it: `wait_p90_s` is shown as `wait p90`, since its values are
/// shown as durations already; the JSON and CSV keep the names.
fn metric_label(metric: &str) -> String {
    metric
        .strip_suffix("_s")
        .unwrap_or(metric)
        .replace('_', " ")
}

/// One metric's spread; `ci` adds the interval cell (`Some(None)`: the metric has none).
fn row(
    h: &mut String,
    name: &str,
    metric: &str,
    s: &Spread,
    ci: Option<Option<(Option<f64>, Option<f64>)>>,
) {
    let ci = match ci {
        None => String::new(),
        Some(None) => "<td>-</td>".into(),
        Some(Some((lo, hi))) => format!("<td>{} - {}</td>", shown(metric, lo), shown(metric, hi)),
    };
    let _ = writeln!(
        h,
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>{ci}</tr>",
        esc(name),
        metric_label(metric),
        shown(metric, s.mean),
        shown(metric, s.p5),
        shown(metric, s.p50),
        shown(metric, s.p95),
    );
}

const HEAD: &str =
    "<tr><th>name</th><th>metric</th><th>mean</th><th>p5</th><th>p50</th><th>p95</th>";

pub fn render(s: &SweepJson, charts: &[Chart]) -> String {
    let mut h = head(&format!("campaign-sim sweep: {}", s.scenario));
    let last_seed = s.first_seed.wrapping_add(s.runs.saturating_sub(1));
    let _ = writeln!(
        h,
        "<table class=\"facts\"><tr><td>scenario</td><td>{}</td></tr><tr><td>runs</td><td>{} (seeds {} to {})</td></tr><tr><td>campaign-sim version</td><td>{}</td></tr><tr><td>scenario SHA-256</td><td><code>{}</code></td></tr></table>",
        esc(&s.scenario),
        s.runs,
        s.first_seed,
        last_seed,
        s.version,
        s.scenario_sha256
    );
    if !s.expectations.is_empty() {
        h.push_str("<h2>Thresholds</h2>\n<table><tr><th>threshold</th><th>runs passed</th><th>share</th></tr>\n");
        for e in &s.expectations {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{} of {}</td><td>{}</td></tr>",
                esc(&e.threshold),
                e.runs_passed,
                s.runs,
                show::percent(e.share_passed)
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("<h2>Campaigns</h2>\n<table>");
    h.push_str(HEAD);
    h.push_str("</tr>\n");
    for c in &s.campaigns {
        for (metric, spread) in [
            ("sent", &c.sent),
            ("unreached", &c.unreached),
            ("replies", &c.replies),
            ("last_send_s", &c.last_send_s),
        ] {
            row(&mut h, &c.name, metric, spread, None);
        }
    }
    h.push_str("</table>\n<h2>Inboxes</h2>\n<table>");
    h.push_str(HEAD);
    h.push_str("<th>95% CI of the mean</th></tr>\n");
    for i in &s.inboxes {
        for (metric, spread) in [
            ("arrivals", &i.arrivals),
            ("wait_p50_s", &i.wait_p50_s),
            ("wait_p90_s", &i.wait_p90_s),
            ("wait_p99_s", &i.wait_p99_s),
            ("max_queue", &i.max_queue),
            ("utilization", &i.utilization),
            ("utilization_staffed", &i.utilization_staffed),
            ("utilization_busy_hours", &i.utilization_busy_hours),
        ] {
            row(&mut h, &i.name, metric, spread, Some(None));
        }
        let a = &i.sla_attainment;
        let spread = Spread {
            mean: a.mean,
            p5: a.p5,
            p50: a.p50,
            p95: a.p95,
        };
        row(
            &mut h,
            &i.name,
            "sla_attainment",
            &spread,
            Some(Some((a.ci95_low, a.ci95_high))),
        );
    }
    h.push_str("</table>\n");
    // Only the tables scroll: the charts' SVG is not searched.
    let mut h = scrolling_tables(&h);
    h.push_str("<h2>Charts</h2>\n");
    for c in charts {
        figure(&mut h, c);
    }
    h.push_str("</body>\n</html>\n");
    h
}
