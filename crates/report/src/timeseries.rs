//! `timeseries.csv`: the data behind the charts in tidy form, `t,series,key,value`, so users can
//! re-plot it in their own tools. `t` is the start of the minute (or wait interval) in the company's
//! local time with its UTC offset. Per-minute rows whose value is zero are left out; per-interval
//! rows (waits, SLA attainment) are written for every interval in which a conversation arrived,
//! zero or not, and for no other.

use std::io::{self, Write};

use model::CompanyClock;
use model::Source;
use model::time::Instant;
use scenario::Scenario;
use sim::Outcome;
use sim::metrics::timeline::{BUCKET, StepSeries, sla_attainment, wait_interval, wait_percentiles};

/// Three decimals, no trailing zeros: compact and identical on every machine.
fn num(v: f64) -> String {
    let r = (v * 1000.0).round() / 1000.0;
    format!("{r}")
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One row per minute with a non-zero mean of `steps`.
fn write_means(
    out: &mut impl Write,
    clock: &CompanyClock,
    series: &str,
    key: &str,
    steps: &StepSeries,
    minutes: usize,
) -> io::Result<()> {
    for m in 0..minutes {
        let v = steps.mean(m);
        if v > 0.0 {
            writeln!(
                out,
                "{},{series},{key},{}",
                clock.datetime_offset(Instant::START + m as u64 * BUCKET),
                num(v)
            )?;
        }
    }
    Ok(())
}

pub fn write_timeseries(out: &mut impl Write, scn: &Scenario, o: &Outcome) -> io::Result<()> {
    writeln!(out, "t,series,key,value")?;
    let clock = scn.company_clock();
    let minutes = o.end.as_millis().div_ceil(BUCKET.as_millis()) as usize;
    for (c, per_minute) in o.timeline.sends.iter().enumerate() {
        let name = quote(&scn.campaigns[c].name);
        for (m, &n) in per_minute.iter().enumerate().filter(|(_, n)| **n > 0) {
            let t = clock.datetime_offset(Instant::START + m as u64 * BUCKET);
            writeln!(out, "{t},sent,{name},{n}")?;
        }
    }
    for (inbox, line) in scn.inboxes.iter().zip(&o.timeline.inboxes) {
        let name = quote(&inbox.name);
        write_means(out, &clock, "queue", &name, &line.queue, minutes)?;
        for (&source, series) in &line.busy {
            let from = match source {
                Source::Background => "background",
                Source::Campaign(c) => scn.campaigns[c.index()].name.as_str(),
            };
            let key = quote(&format!("{}/{from}", inbox.name));
            write_means(out, &clock, "busy_slots", &key, series, minutes)?;
        }
        let step = wait_interval(o.end);
        for (i, p) in wait_percentiles(&line.waits, step) {
            let t = clock.datetime_offset(Instant::START + i * step);
            for (series, v) in ["wait_p50_s", "wait_p90_s", "wait_p99_s"].iter().zip(p) {
                writeln!(
                    out,
                    "{t},{series},{name},{}",
                    num(v.as_millis() as f64 / 1000.0)
                )?;
            }
        }
        // A share, like summary.json's `sla_attainment`, of the same intervals as the waits.
        for a in sla_attainment(&line.sla_met, step) {
            let t = clock.datetime_offset(Instant::START + a.interval * step);
            writeln!(out, "{t},sla_attainment,{name},{}", num(a.share()))?;
        }
    }
    Ok(())
}
