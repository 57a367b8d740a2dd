//! The short table `run` prints.

use std::io::{self, Write};

use super::show;
use super::summary::{CampaignSummary, InboxSummary, Summary};
use super::verdict::Verdict;

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
    campaigns(out, &s.campaigns)?;
    writeln!(out)?;
    inboxes(out, &s.inboxes)?;
    for w in &s.warnings {
        writeln!(out, "warning: {w}")?;
    }
    for e in &s.expectations {
        threshold(out, e)?;
    }
    Ok(())
}

fn campaigns(out: &mut impl Write, campaigns: &[CampaignSummary]) -> io::Result<()> {
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
    for c in campaigns {
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
            c.status.as_str()
        )?;
    }
    Ok(())
}

fn inboxes(out: &mut impl Write, inboxes: &[InboxSummary]) -> io::Result<()> {
    writeln!(
        out,
        "{:<28} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>7} {:>10} {:>9}",
        "inbox",
        "arrivals",
        "handled",
        "wait p50",
        "wait p90",
        "wait p99",
        "max queue",
        "SLA",
        "util shift",
        "util busy"
    )?;
    for i in inboxes {
        writeln!(
            out,
            "{:<28} {:>8} {:>8} {:>9} {:>9} {:>9} {:>9} {:>7} {:>10} {:>9}",
            truncate(&i.name, 28),
            i.arrivals,
            i.handled,
            show::duration(i.wait_p50_s),
            show::duration(i.wait_p90_s),
            show::duration(i.wait_p99_s),
            i.max_queue,
            show::percent(i.sla_attainment),
            show::percent(i.utilization_staffed),
            show::percent(i.utilization_busy_hours)
        )?;
    }
    Ok(())
}

fn threshold(out: &mut impl Write, e: &Verdict) -> io::Result<()> {
    let mark = if e.passed { "ok  " } else { "FAIL" };
    let worst = e
        .worst_interval_text()
        .map_or(String::new(), |w| format!(", worst interval from {w}"));
    writeln!(
        out,
        "{mark} expect {} (observed {}{worst})",
        e.threshold(),
        e.observed_text()
    )
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
