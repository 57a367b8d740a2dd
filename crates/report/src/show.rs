//! How thresholds and measured values read to a person, in one place for the console table,
//! `index.html` and `check`: a threshold as written in the scenario, a value in its unit.
//! The JSON files keep raw numbers; these strings sit beside them.

use std::fmt::Write;

use model::time::Span;
use scenario::{Expectation, Metric, Over};

/// The threshold as the scenario wrote it, e.g.
/// `inbox:Support wait_p90 <= 5m every 1h between 09:00-17:00, over p95`; `over = "every_run"`,
/// the default, is left out.
pub fn threshold(target: &str, e: &Expectation) -> String {
    let mut s = format!("{target} {} {}", e.metric.name(), e.condition);
    if let Some(iv) = e.interval {
        s.push(' ');
        s.push_str(&interval(iv.every, iv.from, iv.to));
    }
    if e.over != Over::EveryRun {
        s.push_str(", over ");
        s.push_str(e.over.name());
    }
    s
}

/// `every 1h between 09:00-17:00` (`from` and `to` in minutes of the company's day).
pub fn interval(every: Span, from: u16, to: u16) -> String {
    format!(
        "every {} between {:02}:{:02}-{:02}:{:02}",
        duration(every.as_millis() as f64 / 1000.0),
        from / 60,
        from % 60,
        to / 60,
        to % 60
    )
}

/// A value of `metric` in its unit: times as durations, shares as percentages, counts whole.
pub fn value(metric: Metric, v: f64) -> String {
    match metric {
        _ if metric.is_time() => duration(v),
        Metric::SlaAttainment | Metric::Utilization => percent(v),
        _ => format!("{v:.0}"),
    }
}

/// How an inbox is staffed: `8 agents x 3` (agents x standard capacity); for an inbox on shifts
/// the most agents on shift at once, `up to 5 on shift x 3`, since its groups added up are
/// agents who are not all there together.
pub fn staffing(inbox: &scenario::Inbox) -> String {
    if inbox.shifts.is_empty() {
        format!("{} agents x {}", inbox.agents, inbox.capacity)
    } else {
        format!(
            "up to {} on shift x {}",
            inbox.most_on_shift(),
            inbox.capacity
        )
    }
}

/// A share as a percentage with one decimal: `92.6 %`.
pub fn percent(share: f64) -> String {
    format!("{:.1} %", share * 100.0)
}

/// Seconds as a duration the way scenarios write them: `14m11s`, `42s`, `1h`, `2d3h`; whole
/// seconds from one second up, milliseconds below it (`250ms`).
pub fn duration(seconds: f64) -> String {
    let ms = (seconds * 1000.0).round() as u64;
    if ms == 0 {
        return "0s".into();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let mut left = (ms + 500) / 1000;
    let mut s = String::new();
    for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] {
        if left >= size {
            let _ = write!(s, "{}{unit}", left / size);
            left %= size;
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_the_scenario_writes_them() {
        for (seconds, shown) in [
            (0.0, "0s"),
            (0.25, "250ms"),
            (0.999, "999ms"),
            (1.0, "1s"),
            (42.0, "42s"),
            (850.943, "14m11s"),
            (900.0, "15m"),
            (3600.0, "1h"),
            (5400.0, "1h30m"),
            (3605.0, "1h5s"),
            (2.0 * 86_400.0 + 3.0 * 3600.0, "2d3h"),
        ] {
            assert_eq!(duration(seconds), shown, "{seconds} s");
        }
    }

    #[test]
    fn values_are_shown_in_their_metric_s_unit() {
        assert_eq!(value(Metric::WaitP90, 850.943), "14m11s");
        assert_eq!(value(Metric::SlaAttainment, 0.21052631578947367), "21.1 %");
        assert_eq!(value(Metric::Utilization, 0.926), "92.6 %");
        assert_eq!(value(Metric::Unreached, 1160.0), "1160");
    }
}
