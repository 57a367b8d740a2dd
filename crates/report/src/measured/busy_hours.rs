//! The hours an inbox had work in, for `utilization_busy_hours`: whole hours of the company's
//! clock in which a conversation arrived in the inbox, waited in its queue or was held by an
//! agent. A launch's idle night (or the days a run idles on to its horizon) is not among them,
//! so the staffed time of those hours does not dilute the figure.

use model::CompanyClock;
use model::time::{HOUR, Instant, MINUTE};
use sim::metrics::timeline::{BUCKET, InboxTimeline};

/// The busy hours of `line` up to `end`, as `[from, to)` spans in milliseconds since the start,
/// in order; the first and last are cut to the run.
pub fn busy_hours(clock: &CompanyClock, line: &InboxTimeline, end: Instant) -> Vec<(u64, u64)> {
    let end = end.as_millis();
    let mut spans: Vec<(u64, u64)> = Vec::new();
    for minute in active_minutes(line, end) {
        let t = minute * BUCKET.as_millis();
        if spans.last().is_some_and(|&(_, to)| t < to) {
            continue;
        }
        // Minutes run from the start, which scenarios give in whole minutes, so a minute never
        // straddles two hours of the clock.
        let reading = clock.reading(Instant::from_millis(t));
        let past = u64::from(reading.minute() as u8) * MINUTE.as_millis()
            + u64::from(reading.second() as u8) * 1000
            + reading.millisecond() as u64;
        // The first hour may have begun before the start.
        let hour_end = (t + HOUR.as_millis()).saturating_sub(past);
        spans.push((t.saturating_sub(past), hour_end.min(end)));
    }
    spans
}

/// Minutes (since the start) in which a conversation arrived, waited or was held.
fn active_minutes(line: &InboxTimeline, end: u64) -> impl Iterator<Item = u64> + '_ {
    let minutes = end.div_ceil(BUCKET.as_millis()) as usize;
    let mut arrived = vec![false; minutes];
    for &(t, _) in &line.waits {
        if let Some(m) = arrived.get_mut(t.bucket(BUCKET) as usize) {
            *m = true;
        }
    }
    (0..minutes)
        .filter(move |&m| {
            arrived[m] || line.queue.mean(m) > 0.0 || line.busy.values().any(|s| s.mean(m) > 0.0)
        })
        .map(|m| m as u64)
}

/// Slot-milliseconds of the `steps` of staffed slots (`(from, slots)`, in order, the last lasting
/// to `end`) that fall inside `spans` (in order, not overlapping).
pub fn staffed_within(steps: &[(Instant, u32)], end: Instant, spans: &[(u64, u64)]) -> u128 {
    let ends = steps
        .iter()
        .skip(1)
        .map(|&(t, _)| t)
        .chain(std::iter::once(end));
    let mut total = 0u128;
    let mut first = 0;
    for (&(from, slots), to) in steps.iter().zip(ends) {
        let (from, to) = (from.as_millis(), to.as_millis());
        // Both lists are in order: spans wholly before this step are done with.
        while spans
            .get(first)
            .is_some_and(|&(_, span_to)| span_to <= from)
        {
            first += 1;
        }
        for &(a, b) in spans[first..].iter().take_while(|&&(a, _)| a < to) {
            let overlap = b.min(to).saturating_sub(a.max(from));
            total += u128::from(slots) * u128::from(overlap);
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staffed_time_counts_only_inside_the_spans() {
        let h = HOUR.as_millis();
        let at = |hours: u64| Instant::from_millis(hours * h);
        // 2 slots for 3 hours, then 4 slots until hour 6.
        let steps = [(at(0), 2), (at(3), 4)];
        let spans = [(0, h), (2 * h, 4 * h), (5 * h, 6 * h)];
        let expected = 2 * h + (2 * h + 4 * h) + 4 * h;
        assert_eq!(staffed_within(&steps, at(6), &spans), u128::from(expected));
        assert_eq!(staffed_within(&steps, at(6), &[]), 0);
    }
}
