//! Per-minute series behind the charts and `timeseries.csv`. Bucketed while the run goes, so a
//! chart of a million sends costs a few thousand points.

use std::collections::BTreeMap;

use model::time::{HOUR, MINUTE, Millis};

/// Width of one bucket of every per-minute series.
pub const BUCKET: Millis = MINUTE;

/// A quantity that changes in steps (queue depth, busy slots), integrated per bucket so each
/// bucket holds its time-weighted mean.
#[derive(Debug, Clone, Default)]
pub struct StepSeries {
    value: u64,
    since: Millis,
    /// Value x milliseconds accumulated in each bucket.
    area: Vec<u64>,
}

impl StepSeries {
    pub fn value(&self) -> u64 {
        self.value
    }

    pub fn set(&mut self, now: Millis, value: u64) {
        self.advance(now);
        self.value = value;
    }

    /// Accounts the current value up to `now`.
    pub fn advance(&mut self, now: Millis) {
        let mut t = self.since;
        if self.value > 0 {
            while t < now {
                let bucket = (t / BUCKET) as usize;
                let bucket_end = (bucket as Millis + 1) * BUCKET;
                let upto = bucket_end.min(now);
                if self.area.len() <= bucket {
                    self.area.resize(bucket + 1, 0);
                }
                self.area[bucket] += self.value * (upto - t);
                t = upto;
            }
        }
        self.since = now;
    }

    /// Time-weighted mean over bucket `b`.
    pub fn mean(&self, b: usize) -> f64 {
        self.area.get(b).map_or(0.0, |&a| a as f64 / BUCKET as f64)
    }
}

/// Where a conversation came from: a campaign's index, or [`BACKGROUND`].
pub type Source = u32;
pub const BACKGROUND: Source = u32::MAX;

#[derive(Debug, Clone, Default)]
pub struct InboxTimeline {
    pub queue: StepSeries,
    /// Busy agent slots by source (campaign index, background last).
    pub busy: BTreeMap<Source, StepSeries>,
    /// (arrival in the inbox, wait until first assignment) of each conversation.
    pub waits: Vec<(Millis, Millis)>,
}

#[derive(Debug, Clone, Default)]
pub struct Timeline {
    /// SMS sent per campaign per bucket.
    pub sends: Vec<Vec<u32>>,
    pub inboxes: Vec<InboxTimeline>,
}

impl Timeline {
    pub fn new(campaigns: usize, inboxes: usize) -> Self {
        Timeline {
            sends: vec![Vec::new(); campaigns],
            inboxes: vec![InboxTimeline::default(); inboxes],
        }
    }

    pub fn send(&mut self, campaign: u32, now: Millis) {
        let series = &mut self.sends[campaign as usize];
        let b = (now / BUCKET) as usize;
        if series.len() <= b {
            series.resize(b + 1, 0);
        }
        series[b] += 1;
    }

    pub fn busy_change(&mut self, inbox: u32, source: Source, now: Millis, up: bool) {
        let s = self.inboxes[inbox as usize].busy.entry(source).or_default();
        let v = if up { s.value() + 1 } else { s.value() - 1 };
        s.set(now, v);
    }

    /// Closes every step series at the end of the run.
    pub fn finish(&mut self, end: Millis) {
        for i in &mut self.inboxes {
            i.queue.advance(end);
            for s in i.busy.values_mut() {
                s.advance(end);
            }
        }
    }
}

/// Interval over which wait percentiles are taken: 15 minutes for runs up to two days, else
/// whole hours, wide enough for at most about 1,000 intervals (a 10-year run: 88 hours).
pub fn wait_interval(end: Millis) -> Millis {
    if end <= 48 * HOUR {
        15 * MINUTE
    } else {
        end.div_ceil(1000).div_ceil(HOUR).max(1) * HOUR
    }
}

/// (interval index, p50, p90, p99) in milliseconds, for intervals with at least one conversation.
pub fn wait_percentiles(waits: &[(Millis, Millis)], interval: Millis) -> Vec<(u64, [Millis; 3])> {
    let mut by_interval: Vec<(u64, Millis)> =
        waits.iter().map(|&(t, w)| (t / interval, w)).collect();
    by_interval.sort_unstable();
    by_interval
        .chunk_by(|a, b| a.0 == b.0)
        .filter_map(|chunk| {
            let sorted: Vec<Millis> = chunk.iter().map(|&(_, w)| w).collect();
            Some((chunk[0].0, super::wait_percentiles(&sorted)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_series_averages_over_each_minute() {
        let mut s = StepSeries::default();
        s.set(30_000, 2); // 0 for the first half minute, then 2
        s.set(90_000, 0); // 2 until 1.5 minutes
        s.advance(180_000);
        assert_eq!(s.mean(0), 1.0);
        assert_eq!(s.mean(1), 1.0);
        assert_eq!(s.mean(2), 0.0);
    }

    #[test]
    fn nearest_rank_percentiles_per_interval() {
        let waits: Vec<(Millis, Millis)> = (1..=100).map(|w| (0, w)).chain([(HOUR, 7)]).collect();
        let p = wait_percentiles(&waits, 15 * MINUTE);
        assert_eq!(p, vec![(0, [50, 90, 99]), (4, [7, 7, 7])]);
    }
}
