//! The short table `run` prints.

use std::io::{self, Write};

use super::summary::Summary;

fn clock(s: Option<f64>) -> String {
    match s {
        None => "-".into(),
        Some(s) => {
            let s = s as u64;
            format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
        }
    }
}

pub fn print_table(out: &mut impl Write, s: &Summary) -> io::Result<()> {
    writeln!(
        out,
        "{} (seed {}): {} events, {} of simulated time",
        s.scenario,
        s.seed,
        s.events,
        clock(Some(s.end_s))
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<28} {:>8} {:>8} {:>8} {:>9} {:>8} {:>7} {:>11} {:>11}  status",
        "campaign",
        "recips",
        "sent",
        "failed",
        "unreached",
        "skipped",
        "replies",
        "first send",
        "last send"
    )?;
    for c in &s.campaigns {
        writeln!(
            out,
            "{:<28} {:>8} {:>8} {:>8} {:>9} {:>8} {:>7} {:>11} {:>11}  {}",
            truncate(&c.name, 28),
            c.recipients,
            c.sent,
            c.failed,
            c.unreached,
            c.skipped_opted_out + c.skipped_duplicate,
            c.replies,
            short_local(c.first_send.as_deref()),
            short_local(c.last_send.as_deref()),
            c.status
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<28} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>6} {:>6}",
        "inbox",
        "arrivals",
        "handled",
        "wait p50",
        "wait p90",
        "wait p99",
        "max queue",
        "SLA",
        "util"
    )?;
    for i in &s.inboxes {
        writeln!(
            out,
            "{:<28} {:>8} {:>8} {:>8.0}s {:>8.0}s {:>8.0}s {:>9} {:>5.1}% {:>5.1}%",
            truncate(&i.name, 28),
            i.arrivals,
            i.handled,
            i.wait_p50_s,
            i.wait_p90_s,
            i.wait_p99_s,
            i.max_queue,
            i.sla_attainment * 100.0,
            i.utilization * 100.0
        )?;
    }
    for w in &s.warnings {
        writeln!(out, "warning: {w}")?;
    }
    for e in &s.expectations {
        let mark = if e.passed { "ok  " } else { "FAIL" };
        let interval = e
            .interval
            .as_deref()
            .map_or(String::new(), |i| format!(" {i}"));
        let worst = e
            .worst_interval
            .as_deref()
            .map_or(String::new(), |w| format!(", worst interval from {w}"));
        writeln!(
            out,
            "{mark} expect {} {} {}{interval} (observed {}{worst})",
            e.target, e.metric, e.condition, e.observed
        )?;
    }
    Ok(())
}

/// `2026-12-01T09:00:07` as `12-01 09:00` (company clock).
fn short_local(t: Option<&str>) -> String {
    match t {
        Some(t) if t.len() >= 16 => format!("{} {}", &t[5..10], &t[11..16]),
        _ => "-".into(),
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).chain(std::iter::once('…')).collect()
    }
}
