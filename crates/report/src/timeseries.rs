//! `timeseries.csv`: the data behind the charts in tidy form, `t,series,key,value`, so users can
//! re-plot it in their own tools. `t` is the start of the minute (or wait interval) in the company's
//! local time with its UTC offset. Per-minute rows whose value is zero are left out; per-interval
//! rows (waits, SLA attainment) are written for every interval in which a conversation arrived,
//! zero or not, and for no other.
//!
//! A big run writes hundreds of thousands of rows, so each row is assembled in one reused buffer:
//! times are formatted once per minute and numbers without `core::fmt`.

use std::io::{self, Write};

use model::CompanyClock;
use model::Source;
use model::time::Instant;
use scenario::Scenario;
use sim::Outcome;
use sim::metrics::timeline::{BUCKET, StepSeries, sla_attainment, wait_interval, wait_percentiles};

/// Three decimals, no trailing zeros: compact and identical on every machine. The same text as
/// `format!("{}", (v * 1000.0).round() / 1000.0)`.
fn push_num(buf: &mut Vec<u8>, v: f64) {
    let thousandths = (v * 1000.0).round();
    let r = thousandths / 1000.0;
    // Below this, the thousandths are exact integers and a decimal with three places is the
    // shortest text that reads back as `r`; anything else takes the general formatter.
    if !r.is_finite() || r.abs() >= 1e12 {
        buf.extend_from_slice(format!("{r}").as_bytes());
        return;
    }
    if r.is_sign_negative() {
        buf.push(b'-');
    }
    let k = thousandths.abs() as u64;
    push_int(buf, k / 1000);
    let frac = k % 1000;
    if frac != 0 {
        let digits = [frac / 100, frac / 10 % 10, frac % 10].map(|d| b'0' + d as u8);
        let len = 3 - digits.iter().rev().take_while(|&&d| d == b'0').count();
        buf.push(b'.');
        buf.extend_from_slice(&digits[..len]);
    }
}

/// Decimal digits of `n`.
fn push_int(buf: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[at..]);
}

fn quote(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// Rows' times, formatted once per minute: every series of a run repeats the same minutes, and
/// reading the zone's offset and formatting a date cost far more than copying the text.
struct Stamps {
    clock: CompanyClock,
    by_minute: Vec<Option<Box<str>>>,
}

impl Stamps {
    fn new(clock: CompanyClock) -> Self {
        Stamps {
            clock,
            by_minute: Vec::new(),
        }
    }

    /// `t` on the company's clock with its offset ([`CompanyClock::datetime_offset`]). Rows
    /// start on whole minutes (wait intervals are whole minutes too).
    fn at(&mut self, t: Instant) -> &str {
        debug_assert_eq!(
            t.as_millis() % BUCKET.as_millis(),
            0,
            "{t:?} is a whole minute"
        );
        let m = t.bucket(BUCKET) as usize;
        if self.by_minute.len() <= m {
            self.by_minute.resize(m + 1, None);
        }
        let clock = &self.clock;
        self.by_minute[m].get_or_insert_with(|| clock.datetime_offset(t).into())
    }
}

/// Writes one row `t,series,key,` followed by what `value` appends, reusing `buf`.
fn row(
    out: &mut impl Write,
    buf: &mut Vec<u8>,
    t: &str,
    series: &str,
    key: &str,
    value: impl FnOnce(&mut Vec<u8>),
) -> io::Result<()> {
    buf.clear();
    for field in [t, series, key] {
        buf.extend_from_slice(field.as_bytes());
        buf.push(b',');
    }
    value(buf);
    buf.push(b'\n');
    out.write_all(buf)
}

/// One row per minute with a non-zero mean of `steps`.
fn write_means(
    out: &mut impl Write,
    buf: &mut Vec<u8>,
    stamps: &mut Stamps,
    (series, key): (&str, &str),
    steps: &StepSeries,
    minutes: usize,
) -> io::Result<()> {
    for m in 0..minutes {
        let v = steps.mean(m);
        if v > 0.0 {
            let t = stamps.at(Instant::START + m as u64 * BUCKET);
            row(out, buf, t, series, key, |b| push_num(b, v))?;
        }
    }
    Ok(())
}

pub fn write_timeseries(out: &mut impl Write, scn: &Scenario, o: &Outcome) -> io::Result<()> {
    writeln!(out, "t,series,key,value")?;
    let mut stamps = Stamps::new(scn.company_clock());
    let mut buf = Vec::with_capacity(128);
    let minutes = o.end.as_millis().div_ceil(BUCKET.as_millis()) as usize;
    for (c, per_minute) in o.timeline.sends.iter().enumerate() {
        let name = quote(&scn.campaigns[c].name);
        for (m, &n) in per_minute.iter().enumerate().filter(|(_, n)| **n > 0) {
            let t = stamps.at(Instant::START + m as u64 * BUCKET);
            row(out, &mut buf, t, "sent", &name, |b| push_int(b, n.into()))?;
        }
    }
    for (inbox, line) in scn.inboxes.iter().zip(&o.timeline.inboxes) {
        let name = quote(&inbox.name);
        let queue = ("queue", name.as_str());
        write_means(out, &mut buf, &mut stamps, queue, &line.queue, minutes)?;
        for (source, series) in line.busy.iter() {
            let from = match source {
                Source::Background => "background",
                Source::Campaign(c) => scn.campaigns[c.index()].name.as_str(),
            };
            let key = quote(&format!("{}/{from}", inbox.name));
            let busy = ("busy_slots", key.as_str());
            write_means(out, &mut buf, &mut stamps, busy, series, minutes)?;
        }
        let step = wait_interval(o.end);
        for (i, p) in wait_percentiles(&line.waits, step) {
            let t = stamps.at(Instant::START + i * step);
            for (series, v) in ["wait_p50_s", "wait_p90_s", "wait_p99_s"].iter().zip(p) {
                let secs = v.as_millis() as f64 / 1000.0;
                row(out, &mut buf, t, series, &name, |b| push_num(b, secs))?;
            }
        }
        // A share, like summary.json's `sla_attainment`, of the same intervals as the waits.
        for a in sla_attainment(&line.sla_met, step) {
            let t = stamps.at(Instant::START + a.interval * step);
            row(out, &mut buf, t, "sla_attainment", &name, |b| {
                push_num(b, a.share())
            })?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(v: f64) -> String {
        let mut buf = Vec::new();
        push_num(&mut buf, v);
        String::from_utf8(buf).unwrap()
    }

    /// The text the general formatter gives, which files written before were made with.
    fn reference(v: f64) -> String {
        format!("{}", (v * 1000.0).round() / 1000.0)
    }

    #[test]
    fn numbers_read_as_the_general_formatter_writes_them() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut values = vec![
            0.0, -0.0, 0.0004, 0.0005, 1.0, 0.1, 0.125, 2.5e-4, 1e11, 9.99e11,
        ];
        values.extend([1e12, 1e15, 1e300, f64::NAN, f64::INFINITY, -1.5, -0.0004]);
        for i in 0..200_000u32 {
            values.push(f64::from(i) / 1000.0);
            // Arbitrary magnitudes and fractions, from a fixed sequence.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let scale = 10f64.powi((x % 13) as i32 - 3);
            values.push((x >> 11) as f64 / (1u64 << 53) as f64 * scale);
        }
        for v in values {
            assert_eq!(num(v), reference(v), "{v:e}");
        }
    }

    #[test]
    fn integers_are_plain_digits() {
        for n in [0, 7, 10, 999, 1000, 4_294_967_295, u64::MAX] {
            let mut buf = Vec::new();
            push_int(&mut buf, n);
            assert_eq!(buf, n.to_string().as_bytes());
        }
    }
}
